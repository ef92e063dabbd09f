#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "gantry/bridge/bridge_config.hpp"
#include "gantry/bridge/bridge_status.hpp"
#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/asio_net.hpp"
#include <boost/asio/steady_timer.hpp>

namespace gantry::bridge {

// What every bridge does, whatever its remote speaks; a protocol's session
// derives from it (mqtt_bridge_session, amqp_bridge_session) and supplies the
// link:
// - it keeps a link up: connects to the addresses in turn and, after a
//   failure or a lost connection, tries again after a growing, jittered delay;
// - it reads what it sends as durable engine groups, one per sending rule,
//   and settles a delivery only once the remote confirmed it. While the link
//   is down the subscriptions are closed, so the engine gives back what was
//   in flight and the backlog stays in the log; the groups' positions carry
//   over to the next connection and to a restart;
// - it keeps the status an operator sees and logs it every minute in which
//   it moved.
// Lives on one executor; start, stop and status may be called from any thread.
class bridge_session : public std::enable_shared_from_this<bridge_session> {
public:
    struct settings {
        std::string name;
        std::string type; // "mqtt", "amqp"
        std::vector<std::string> addresses;
        reconnect_backoff reconnect;
        std::string client_id; // how the bridge names itself to the engine and the remote
    };
    // The local side of one sending rule.
    struct sending_source {
        std::uint64_t rule = 0;               // the number deliveries carry
        engine::subscription_options options; // its durable group and where a new one starts
        std::string local_name;               // for the log: "sensors/#", "queue://orders"
    };

    virtual ~bridge_session() = default;
    bridge_session(const bridge_session&) = delete;
    bridge_session& operator=(const bridge_session&) = delete;

    void start();
    // Closes the link and ends the engine subscriptions; waits until that ran.
    void stop();
    bridge_status status() const;

    // From the sending rules' engine subscriptions.
    void on_delivery(std::uint64_t rule, engine::delivery&& d);
    void on_subscription_closed(std::uint64_t rule, std::error_code reason);

protected:
    // What the link may have queued before deliveries wait in the log instead.
    static constexpr std::size_t output_budget_bytes = 1024 * 1024;

    bridge_session(asio::any_io_executor executor, engine::facade& engine, settings s,
                   std::vector<sending_source> sources);

    // Starts connecting to `address`; ends in link_up() or link_down().
    virtual void open_link(const std::string& address) = 0;
    // The broker is stopping: leave the remote politely and close the link.
    virtual void close_link() = 0;
    // The link is gone: drop everything that belonged to it.
    virtual void forget_link() = 0;
    // A local message for the remote (never one that came in over this bridge).
    virtual void send_local(std::uint64_t rule, engine::delivery&& d) = 0;

    // The link is ready for traffic; `description` ends the log line ("MQTT 5.0").
    void link_up(const std::string& description);
    void link_down(std::string why);
    // Subscribes the sending rules, each allowed `credit` deliveries.
    void open_outbound(int credit);
    // Settles in the engine; the credit goes back with return_credit().
    void settle(std::uint64_t rule, const engine::delivery_handle& handle, engine::outcome outcome);
    void return_credit();

    void count_out(std::size_t bytes) {
        ++traffic_.messages_out;
        traffic_.bytes_out += bytes;
    }
    void count_in(std::size_t bytes) {
        ++traffic_.messages_in;
        traffic_.bytes_in += bytes;
    }
    void count_dropped() { ++traffic_.dropped; }

    bool running() const noexcept { return running_; }
    bool connected() const noexcept { return connected_; }
    const std::string& name() const noexcept { return settings_.name; }
    const std::string& client_id() const noexcept { return settings_.client_id; }
    engine::operation_context context() const { return {{}, settings_.client_id, executor_}; }
    const asio::any_io_executor& executor() const noexcept { return executor_; }

    engine::facade& engine_;

private:
    void pin_groups();
    void close_outbound();
    void connect();
    void schedule_reconnect();
    std::chrono::milliseconds next_backoff();
    void report_periodically();
    template <typename Update>
    void update_status(Update&& update) {
        std::lock_guard lock(status_mutex_);
        update(status_);
    }

    asio::any_io_executor executor_;
    const settings settings_;
    std::vector<sending_source> sources_; // an every-topic source starts at earliest() once pinned

    bool running_ = false;
    bool connected_ = false;
    std::size_t next_address_ = 0;
    int failures_ = 0;
    asio::steady_timer reconnect_timer_;
    asio::steady_timer report_timer_;
    std::uint64_t reported_traffic_ = 0;
    std::mt19937 random_{std::random_device{}()};

    struct sending_rule {
        engine::subscription_id id;
        int credit_to_return = 0;
    };
    std::map<std::uint64_t, sending_rule> sending_;

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
