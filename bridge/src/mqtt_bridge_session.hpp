#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "bridge_session.hpp"
#include "gantry/bridge/bridge_config.hpp"
#include "gantry/protocols/mqtt/mqtt_packet.hpp"
#include "mqtt_link.hpp"

namespace gantry::bridge {

// An mqtt_bridge's working part, on its executor: the MQTT link
// (mqtt_bridge_session.cpp), messages out of the engine
// (mqtt_bridge_outbound.cpp) and messages in (mqtt_bridge_inbound.cpp).
class mqtt_bridge_session final : public bridge_session {
public:
    mqtt_bridge_session(asio::any_io_executor executor, engine::facade& engine, mqtt_bridge_config config);

private:
    // mqtt_bridge_session.cpp: the link.
    void open_link(const std::string& address) override;
    void close_link() override;
    void forget_link() override;
    void on_packet(protocols::mqtt::mqtt_packet packet);
    void on_connack(const protocols::mqtt::connack_packet& connack);
    void fail_link(std::string why);

    // mqtt_bridge_outbound.cpp
    void send_local(std::uint64_t rule, engine::delivery&& d) override;
    void pump_outbound();
    void send_one(std::uint64_t rule, engine::delivery& d);
    void on_publish_answer(std::uint16_t packet_id, protocols::mqtt::reason_code reason, bool complete);
    // After CONNACK: PUBREL again for the QoS 2 exchanges a lost link left open.
    void resume_releases(bool session_present);

    // mqtt_bridge_inbound.cpp
    void subscribe_remote();
    void on_remote_publish(protocols::mqtt::publish_packet& publish);
    void on_remote_pubrel(std::uint16_t packet_id);
    void on_stored(std::uint8_t qos, std::uint16_t packet_id, std::uint64_t link_serial, std::error_code error);

    bool mqtt5() const noexcept { return config_.mqtt5; }

    const mqtt_bridge_config config_;

    // The link.
    std::shared_ptr<asio::ssl::context> tls_; // null: plain TCP
    std::shared_ptr<mqtt_link> link_;
    std::uint64_t link_serial_ = 0;
    bool private_refused_ = false; // the remote refused try_private once: plain CONNECTs from now
    std::uint32_t remote_max_packet_size_ = 0; // from a 5.0 CONNACK; 0: no limit announced

    // Outbound.
    struct queued {
        std::uint64_t rule;
        engine::delivery d;
    };
    struct in_flight {
        std::uint64_t rule;
        engine::delivery_handle handle;
    };
    std::deque<queued> outbox_;
    std::map<std::uint16_t, in_flight> in_flight_; // awaiting PUBACK / PUBREC
    // QoS 2 messages the remote has (PUBREC came, the engine is settled),
    // PUBREL sent, awaiting PUBCOMP. Kept across a lost link: the remote's
    // session gets PUBREL again, not the message (§4.3.3).
    std::set<std::uint16_t> releasing_;
    std::uint16_t next_packet_id_ = 1;

    // Inbound.
    std::size_t pending_appends_ = 0;
    std::set<std::uint16_t> qos2_storing_;  // appends running for these QoS 2 ids
    std::set<std::uint16_t> qos2_stored_;   // stored, PUBREC sent, awaiting PUBREL
};

} // namespace gantry::bridge
