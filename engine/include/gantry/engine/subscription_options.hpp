#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace gantry::engine {

// Topics whose names start with this are the broker's own: "$SYS/..." in
// MQTT terms (protocols/naming encodes a leading '$' so). Subscriptions to
// every topic pass them by, as do first-level wildcards of retained look-ups
// (MQTT's rule for '$' names, [MQTT-4.7.2-1]); naming one still reads it.
inline constexpr std::string_view hidden_topic_prefix = "%24";
inline bool is_hidden_topic(std::string_view name) noexcept {
    return name.starts_with(hidden_topic_prefix) || name.starts_with('$');
}

enum class delivery_mode {
    shared,    // competing consumers of one group, per-message acks
    exclusive, // one consumer reads the group's queues in order, offsets committed
    broadcast, // every subscriber gets every message (its own offsets)
};

struct start_position {
    enum class kind { latest, earliest, offset, timestamp, log_position };
    kind from = kind::latest;
    std::int64_t value = 0; // queue offset, epoch ms or commit-log offset

    static start_position latest() { return {}; }
    static start_position earliest() { return {kind::earliest, 0}; }
    // The first message stored in that millisecond or later: one stored
    // just before, in the same millisecond, is in too.
    static start_position at_time(std::int64_t ms) { return {kind::timestamp, ms}; }
    // Exactly the messages appended after facade::log_end() returned
    // `commit_log_offset`, in every topic, those made later included: a
    // subscriber's start that neither takes a message acknowledged to its
    // producer before the subscribe nor misses one sent after its reply.
    static start_position at_log_position(std::int64_t commit_log_offset) {
        return {kind::log_position, commit_log_offset};
    }
};

// tag: RocketMQ tag expression; sql92: a selector; mqtt: an MQTT topic
// filter's levels after the first, matched against the tag ("+/c", "#", ""
// for the one-level topic).
enum class filter_language { tag, sql92, mqtt };

struct subscription_options {
    std::string topic;
    // Instead of `topic`: every application topic, those created later
    // included (an MQTT filter whose first level is a wildcard); not the
    // system, retry, dead-letter or hidden ones. Topics made later join on
    // the context's executor, which must run one handler at a time. A
    // durable group has no place in a topic made while it had no member
    // until it commits one: it reads such a topic from `start`, so a
    // durable subscriber that comes back gives its first start again.
    bool every_topic = false;
    // The consumer group; a durable subscription names its own. Empty: the
    // engine makes a private one that vanishes with the subscription.
    std::string group;
    delivery_mode mode = delivery_mode::shared;
    bool durable = false;
    filter_language filter_kind = filter_language::tag;
    std::string filter;             // "" or "*" takes everything
    // A SQL92 selector applied on top of `filter` (a JMS consumer of a
    // hierarchical destination: an mqtt filter picks the name, this the
    // messages); "" selects all.
    std::string selector;
    start_position start;           // where a group with no committed offset begins
    std::chrono::milliseconds ack_timeout{30'000}; // shared: invisible until settled or this passes
    int max_deliveries = 16;        // then to the dead-letter topic
    // JMS priority: of the messages one delivery round takes for this
    // subscription (up to its credit, at most 32 per queue), higher
    // priorities go first, equal ones in stored order. Off, delivery keeps
    // the stored order of each queue (MQTT requires it).
    bool by_priority = false;
    // Deliveries point at their bodies in the commit log (delivery::
    // stored_body) instead of copying them into the message, for a protocol
    // that sends the body as it is stored.
    bool body_in_place = false;
    // At most once: each delivery is settled as the engine hands it over
    // (an MQTT QoS 0 subscription), and nothing of it is kept to be
    // settled, timed out or given back later: what the subscriber has not
    // sent when it goes is not given to another. facade::
    // settle_on_hand_over switches it for a live subscription.
    bool settle_on_hand_over = false;
};

} // namespace gantry::engine
