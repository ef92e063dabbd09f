#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gantry/bridge/bridge_config.hpp"
#include "gantry/bridge/bridge_status.hpp"
#include "gantry/engine/facade.hpp"
#include "gantry/protocols/mqtt/mqtt_packet.hpp"
#include "gantry/protocols/naming/topic_names.hpp"
#include "mqtt_link.hpp"

namespace gantry::bridge {

// The working part of an mqtt_bridge, on its executor: the link and its
// reconnection (mqtt_bridge_session.cpp), messages out of the engine
// (mqtt_bridge_outbound.cpp) and messages in (mqtt_bridge_inbound.cpp).
class mqtt_bridge_session : public std::enable_shared_from_this<mqtt_bridge_session> {
public:
    mqtt_bridge_session(asio::any_io_executor executor, engine::facade& engine, mqtt_bridge_config config);

    void start();
    void stop();
    bridge_status status() const;
    const asio::any_io_executor& executor() const noexcept { return executor_; }

    // From the sending rules' engine subscriptions (by rule index).
    void on_delivery(std::uint64_t rule, engine::delivery d);
    void on_subscription_closed(std::uint64_t rule, std::error_code reason);

private:
    // mqtt_bridge_session.cpp: the link.
    void connect();
    void on_packet(protocols::mqtt::mqtt_packet packet);
    void on_connack(const protocols::mqtt::connack_packet& connack);
    void link_down(std::string why);
    void schedule_reconnect();
    std::chrono::milliseconds next_backoff();
    // Logs the bridge's state and traffic every minute in which it moved.
    void report_periodically();
    engine::operation_context context() const;
    // The durable engine group a sending rule reads its local topics in.
    std::string sending_group(const topic_rule& rule) const;
    template <typename Update>
    void update_status(Update&& update) {
        std::lock_guard lock(status_mutex_);
        update(status_);
    }

    // mqtt_bridge_outbound.cpp
    // Subscribes the sending rules, allowing each `credit` deliveries.
    void open_outbound(int credit);
    void close_outbound();
    void pump_outbound();
    bool send_one(std::uint64_t rule, engine::delivery& d);
    void on_publish_answer(std::uint16_t packet_id, protocols::mqtt::reason_code reason, bool complete);
    void settle(std::uint64_t rule, const engine::delivery_handle& handle, engine::outcome outcome);

    // mqtt_bridge_inbound.cpp
    void subscribe_remote();
    void on_remote_publish(protocols::mqtt::publish_packet& publish);
    void on_remote_pubrel(std::uint16_t packet_id);
    void on_stored(std::uint8_t qos, std::uint16_t packet_id, std::uint64_t link_serial, std::error_code error);

    bool mqtt5() const noexcept { return config_.mqtt5; }

    asio::any_io_executor executor_;
    engine::facade& engine_;
    const mqtt_bridge_config config_;
    std::string client_id_;

    // The link.
    std::shared_ptr<asio::ssl::context> tls_; // null: plain TCP
    std::shared_ptr<mqtt_link> link_;
    std::uint64_t link_serial_ = 0;
    bool running_ = false;
    bool connected_ = false; // CONNACK accepted
    bool private_refused_ = false; // the remote refused try_private once: plain CONNECTs from now
    std::uint32_t remote_max_packet_size_ = 0; // from a 5.0 CONNACK; 0: no limit announced
    std::size_t next_address_ = 0;
    int failures_ = 0;
    asio::steady_timer reconnect_timer_;
    asio::steady_timer report_timer_;
    std::uint64_t reported_traffic_ = 0;
    std::mt19937 random_{std::random_device{}()};

    // Outbound: one engine subscription per sending rule (index into config_.topics).
    struct sending_rule {
        engine::subscription_id id;
        bool open = false;
        int credit_to_return = 0;
    };
    struct queued {
        std::uint64_t rule;
        engine::delivery d;
    };
    struct in_flight {
        std::uint64_t rule;
        engine::delivery_handle handle;
        bool released = false; // QoS 2: PUBREC came, PUBREL sent
    };
    std::map<std::uint64_t, sending_rule> sending_;
    std::deque<queued> outbox_;
    std::map<std::uint16_t, in_flight> in_flight_;
    std::uint16_t next_packet_id_ = 1;

    // Inbound.
    std::size_t pending_appends_ = 0;
    std::set<std::uint16_t> qos2_storing_;  // appends running for these QoS 2 ids
    std::set<std::uint16_t> qos2_stored_;   // stored, PUBREC sent, awaiting PUBREL

    // What status() reports: the connection's state under a mutex (it changes
    // with the link), the traffic as counters (they change with every message).
    mutable std::mutex status_mutex_;
    bridge_status status_;
    struct counters {
        std::atomic<std::uint64_t> messages_out{0};
        std::atomic<std::uint64_t> bytes_out{0};
        std::atomic<std::uint64_t> messages_in{0};
        std::atomic<std::uint64_t> bytes_in{0};
        std::atomic<std::uint64_t> dropped{0};
    } traffic_;
};

} // namespace gantry::bridge
