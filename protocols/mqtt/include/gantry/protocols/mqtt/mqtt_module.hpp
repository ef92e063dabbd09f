#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <system_error>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/security/access_control.hpp"

namespace gantry::protocols::mqtt {

struct module_state;

// What a QoS 0 delivery does while its connection's output is over budget
// (mqtt.qos0Overflow).
enum class qos0_overflow_policy {
    wait, // held like QoS 1/2: the engine stops delivering, the log keeps it
    drop, // settled at once and not sent; counted (mqtt_module::dropped_qos0)
};

// What the broker announces and enforces per connection; gantryd's "mqtt.*"
// keys (broker/src/protocol_keys.cpp). The defaults are safe for a small
// machine.
struct mqtt_options {
    // Server Keep Alive: 0 accepts the client's keep-alive; otherwise 5.0
    // clients are told and held to this many seconds (3.x cannot be told).
    std::uint16_t server_keep_alive = 0;
    // Receive Maximum: QoS 1/2 publishes a client may have unacknowledged;
    // past this many pending engine appends the session stops reading.
    std::uint16_t receive_maximum = 64;
    // Maximum QoS granted and accepted (0..2).
    std::uint8_t maximum_qos = 2;
    // Retain Available: RETAIN publishes become retained messages (the engine's retained store).
    bool retain_available = true;
    // Maximum Packet Size the broker accepts (the codec's limit).
    std::uint32_t maximum_packet_size = 1024 * 1024;
    // Topic Alias Maximum for client → broker aliases, and the most aliases
    // the broker gives a 5.0 client that allows them; 0 disables both.
    std::uint16_t topic_alias_maximum = 32;
    // QoS 1/2 deliveries awaiting PUBACK / PUBCOMP per connection (also
    // capped by the client's Receive Maximum).
    std::uint16_t max_inflight_deliveries = 64;
    // Deliveries the engine may hand one subscription before the session
    // gives credit back (bounds the per-subscription backlog in memory).
    int delivery_window = 64;
    // Subscriptions per connection.
    std::size_t max_subscriptions = 100;
    // An unacknowledged QoS 1/2 delivery comes back after this long.
    std::chrono::milliseconds delivery_ack_timeout{std::chrono::minutes(5)};
    // A slow subscriber's QoS 0 deliveries (the QoS sent: min(subscription,
    // publish)) past the output budget; QoS 1/2 always wait.
    qos0_overflow_policy qos0_overflow = qos0_overflow_policy::wait;
    // Messages a persistent session keeps for its return: past this many,
    // counted over all its subscriptions except shared ones, the oldest are
    // skipped when it reconnects, and counted. 0: no limit but the log's
    // retention.
    std::uint64_t max_offline_messages = 0;
    // Response Information for a 5.0 client that requests it: this with each
    // "%c" replaced by its client id (response_topic.hpp); empty: none.
    std::string response_topic_prefix = "responses/%c/";
    // A connection that only publishes moves to the io thread the readers of
    // its topic are woken on, when they share one and it was busy less than
    // this many percent of the last 100 ms (common::publisher_placement);
    // 0: never.
    int move_publishers_below_load = 25;
};

// The module's totals over every connection since start; sessions add to
// them from their own threads (relaxed: they order nothing).
struct mqtt_counters {
    // QoS 0 deliveries dropped for slow subscribers (qos0_overflow_policy::drop).
    std::atomic<std::uint64_t> qos0_dropped{0};
    // Messages skipped for sessions over mqtt_options::max_offline_messages.
    std::atomic<std::uint64_t> offline_skipped{0};
};

// Who may connect and what they may do (shared by every protocol).
using mqtt_access = security::access_control;

// Where the persistent sessions are kept: `file` (gantryd:
// <storePathRootDir>/config/mqttSessions.json) and a journal beside it;
// an empty `file` keeps them in memory only. With `sync` (gantryd:
// flushDiskType = SYNC_FLUSH) each change is on disk before the
// acknowledgement that follows it (a SUBACK) leaves, so a power loss keeps
// it too; without, it is in the page cache, which a kill -9 does not lose.
struct mqtt_session_storage {
    std::filesystem::path file;
    bool sync = false;
};

// MQTT's listener limits before configuration (keys "mqtt.*"): frames up to
// the options' maximum packet size.
common::connection_limits mqtt_default_limits(const mqtt_options& options = {});

// MQTT 3.1 / 3.1.1 / 5.0 as the listener layer sees it: one mqtt_session per
// connection, all sharing the engine, the options, the registry of
// connected client identifiers (session takeover, delayed wills) and the
// persistent sessions (`storage`).
class mqtt_module final : public common::protocol_module {
public:
    static constexpr std::uint16_t port = 1883;

    explicit mqtt_module(engine::facade& engine, mqtt_options options = {}, mqtt_access access = {},
                         mqtt_session_storage storage = {});
    ~mqtt_module() override;

    // Reads the persistent sessions a previous run left, before the first
    // connection, and schedules the delayed wills they keep on `executor`.
    // An error names what is wrong with the file or its journal.
    std::error_code restore_sessions(const asio::any_io_executor& executor);
    // Before the io threads stop, and before the engine goes: wills still
    // waiting for their delay stay with their sessions for the next start
    // instead of holding the threads, and the session store asks the engine
    // nothing more.
    void stop();

    std::string_view name() const override { return "mqtt"; }
    std::uint16_t default_port() const override { return port; }
    std::vector<std::string> websocket_subprotocols() const override { return {"mqtt", "mqttv3.1"}; }
    common::connection_limits default_limits() const override;
    std::unique_ptr<common::protocol_session> make_session(common::connection& conn,
                                                           const common::session_context& context) override;

    const mqtt_options& options() const noexcept;
    // Safe from any thread.
    std::uint64_t dropped_qos0() const noexcept;
    std::uint64_t offline_skipped() const noexcept;
    // The module's counters for GET_BROKER_RUNTIME_INFO ("mqtt.qos0Dropped",
    // "mqtt.offlineSkipped").
    void add_runtime_info(std::map<std::string, std::string>& table) const;

private:
    std::unique_ptr<module_state> state_;
};

} // namespace gantry::protocols::mqtt
