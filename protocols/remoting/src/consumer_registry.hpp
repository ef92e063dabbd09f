#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/remoting/remoting_codec.hpp"
#include "heartbeat_data.hpp"

namespace gantry::protocols::remoting {

// The consumers RocketMQ clients announce in HEART_BEAT (spec 2.4.3), per
// group: each client id with the connection it last used, and the group's
// subscriptions (Java's rule: a topic's entry is replaced only by a newer
// subVersion). A client leaves on UNREGISTER_CLIENT, when its connection
// closes, or 120 s after its last heartbeat (checked whenever the registry
// is used). Whenever a group's members change, every remaining member's
// connection gets a NOTIFY_CONSUMER_IDS_CHANGED (40), so clients rebalance
// (for a heartbeat or an unregister, unless the group's settings turn that
// off; a closed or silent connection is always told, as in Java).
//
// Shared by every session of a module, on several io threads: one mutex
// guards the table, and notifications are posted to each connection's own
// executor after it is released (STYLE.md 5).
class consumer_registry {
public:
    using clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds default_expiry{120'000};

    // How a client's heartbeat request described it (its header's language and version).
    struct client_info {
        std::string language = "JAVA";
        std::int32_t version = 0;
    };
    // One live consumer of a group and the connection to reach it.
    struct member_channel {
        std::string client_id;
        client_info client;
        std::weak_ptr<common::connection> conn;
    };
    // A group with live consumers: how many, and whether it consumes in
    // clustering mode (the broker keeps its offsets) as its last heartbeat said.
    struct online_group {
        std::string name;
        std::size_t consumers = 0;
        bool clustering = true;
    };

    explicit consumer_registry(std::chrono::milliseconds expiry = default_expiry);
    consumer_registry(const consumer_registry&) = delete;
    consumer_registry& operator=(const consumer_registry&) = delete;

    // Records the consumers of one heartbeat, sent over `conn` by `client`.
    // Members of the `quiet` groups (notifyConsumerIdsChangedEnable false)
    // are not told of the changes it makes, as in Java.
    void heartbeat(const heartbeat_data& data, const std::weak_ptr<common::connection>& conn,
                   client_info client, const std::set<std::string>& quiet = {});
    // UNREGISTER_CLIENT: `client_id` leaves `group`; its other members are
    // told unless `notify` is false.
    void unregister(const std::string& client_id, const std::string& group, bool notify = true);
    // Every client that used `conn` leaves its groups.
    void connection_closed(const std::weak_ptr<common::connection>& conn);

    // The group's live client ids, sorted; empty for an unknown group.
    std::vector<std::string> consumer_ids(const std::string& group);
    // The subscription a group registered for `topic`.
    std::optional<subscription_data> find_subscription(const std::string& group, const std::string& topic);
    // Whether the group's last heartbeat said BROADCASTING; false for a
    // group with no consumer online.
    bool broadcasting(const std::string& group);
    // The group's live consumers, by client id; empty for an unknown group.
    std::vector<member_channel> members(const std::string& group);
    // Every group with live consumers, sorted by name.
    std::vector<online_group> online_groups();

    // Sends a request of the broker's own (one-way, JSON header, the
    // registry's opaque counter) over `conn`, on that connection's executor;
    // false when it cannot be encoded or the connection is gone.
    bool send_oneway(const std::weak_ptr<common::connection>& conn, remoting_command request);

private:
    struct member {
        std::weak_ptr<common::connection> conn;
        clock::time_point last_heartbeat;
        client_info client;
    };
    struct group_state {
        std::map<std::string, member> members; // by client id
        std::map<std::string, subscription_data> subscriptions; // by topic
        message_model model = message_model::clustering;
    };
    // A group whose members changed, and the connections to tell.
    struct notice {
        std::string group;
        std::vector<std::weak_ptr<common::connection>> targets;
    };

    // Drops members whose connection is gone or that are silent too long.
    void expire_locked(clock::time_point now, std::vector<notice>& notices);
    // Records a notice for `group` (erased when it has no member left).
    void changed_locked(const std::string& group, std::vector<notice>& notices);
    void send(const std::vector<notice>& notices);

    const std::chrono::milliseconds expiry_;
    const remoting_codec codec_;
    std::atomic<std::int32_t> next_opaque_{0}; // the broker's own requests
    std::mutex mutex_;
    std::map<std::string, group_state> groups_; // mutex_
};

} // namespace gantry::protocols::remoting
