#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/namesrv/broker_registration.hpp"
#include "gantry/protocols/remoting/route_data.hpp"

namespace gantry::namesrv {

using protocols::remoting::broker_data;
using protocols::remoting::cluster_info;
using protocols::remoting::queue_data;
using protocols::remoting::topic_route;

// Which connection a broker registered over, opaque to the table: closing
// that connection removes the brokers registered over it.
using connection_key = std::uintptr_t;
// Registered by a caller in the same process (gantryd's one-process mode):
// no connection to close, and never expired (it is not polled over a network).
inline constexpr connection_key in_process = 0;

// Java's default: a broker not heard from for this long is dropped.
inline constexpr std::chrono::milliseconds broker_expiry_timeout{std::chrono::seconds(120)};

// What REGISTER_BROKER answers: for a slave, its master's address and HA
// address once the master has registered; nothing for a master.
struct registration_result {
    std::optional<std::string> master_addr;
    std::optional<std::string> ha_server_addr;
    bool new_address = false; // the address was not registered before (for the log)

    bool operator==(const registration_result&) const = default;
};

// A broker address the table dropped (connection closed or expired), for the log.
struct removed_broker {
    std::string cluster;
    std::string broker_name;
    std::string broker_addr;
    std::chrono::steady_clock::duration silent_for{};

    bool operator==(const removed_broker&) const = default;
};

// The registered brokers and the topics they host, as Java's
// RouteInfoManager keeps them. One mutex guards everything: every operation
// is short and none calls out while holding it. Time is passed in, so
// expiry is testable without sleeping.
class route_table {
public:
    using time_point = std::chrono::steady_clock::time_point;

    // Records the broker as alive at `now`. A master whose data version
    // changed (or that registers for the first time) replaces its broker
    // name's queue data with its topics; a slave never changes queue data.
    registration_result register_broker(const broker_registration& registration, connection_key channel,
                                        time_point now);

    // UNREGISTER_BROKER: forgets the address; the broker name (and its queue
    // data) goes when its last address does.
    void unregister_broker(std::string_view cluster_name, std::string_view broker_name,
                           std::string_view broker_addr, std::int64_t broker_id);

    // Removes every broker registered over `channel`.
    std::vector<removed_broker> connection_closed(connection_key channel);

    // Removes brokers (other than in_process ones) silent for more than `timeout`.
    std::vector<removed_broker> expire(time_point now,
                                       std::chrono::steady_clock::duration timeout = broker_expiry_timeout);

    // QUERY_DATA_VERSION: whether `version` differs from the one registered
    // for the address (true when unknown), and that one.
    bool data_version_changed(std::string_view broker_addr, const data_version& version) const;
    std::optional<data_version> registered_version(std::string_view broker_addr) const;
    // Marks a known address alive at `now` (QUERY_DATA_VERSION with no change).
    void touch(std::string_view broker_addr, time_point now);

    // The route of `topic`; nothing when no broker hosts it.
    std::optional<topic_route> route(std::string_view topic) const;
    cluster_info clusters() const;
    // Every topic some broker hosts, sorted.
    std::vector<std::string> topics() const;
    // The topics hosted by the brokers of `cluster_name`, sorted.
    std::vector<std::string> topics_of_cluster(std::string_view cluster_name) const;

    // DELETE_TOPIC_IN_NAMESRV: forgets the topic's queue data, only that of
    // the brokers of `cluster_name` when one is given (5.x); returns how many
    // broker names hosted it. A master that registers the topic again
    // brings it back, as in Java.
    std::size_t delete_topic(std::string_view topic, std::string_view cluster_name = {});

private:
    struct broker_entry {
        std::string cluster;
        std::map<std::int64_t, std::string> addrs;
    };
    struct live_broker {
        time_point last_update;
        data_version version;
        connection_key channel = in_process;
        std::string ha_server_addr;
    };

    void replace_queue_data(const broker_registration& registration);
    void remove_queue_data(const std::string& broker_name);
    // Forgets each address (with how long it was silent, when expiring) and
    // any broker name left without one, with its queue data.
    std::vector<removed_broker> remove_addresses(const std::vector<std::string>& addrs,
                                                 const std::vector<std::chrono::steady_clock::duration>& silences);

    mutable std::mutex mutex_;
    std::map<std::string, std::set<std::string>, std::less<>> clusters_;      // cluster → broker names
    std::map<std::string, broker_entry, std::less<>> brokers_;                // broker name →
    std::map<std::string, live_broker, std::less<>> live_;                    // broker address →
    std::map<std::string, std::map<std::string, queue_data>, std::less<>> topics_; // topic → broker name →
};

} // namespace gantry::namesrv
