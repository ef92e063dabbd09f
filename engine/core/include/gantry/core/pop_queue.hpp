#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <vector>

namespace gantry::core {

// One consumer group's progress through one queue when its consumers take
// messages one by one and settle each (RocketMQ 5 "pop"): offsets are handed
// out once, stay invisible to the group until settled or timed out, and the
// committed offset only passes settled messages.
class pop_queue {
public:
    using clock = std::chrono::steady_clock;

    struct taken {
        std::int64_t offset;
        std::uint64_t delivery_id;
        int redeliveries; // times this offset was handed out before, in place
        int failures;     // of those, the ones that failed (timed out); the rest were released
        bool settled = false; // by take_settled(): nothing to ack
    };

    explicit pop_queue(std::int64_t start_offset);

    // Hands out up to `max` offsets below `end`: released ones first, then
    // new ones, each invisible until `deadline`.
    void take(std::int64_t end, std::size_t max, clock::time_point deadline, std::vector<taken>& out);
    // Hands out offsets as take() does, settled at once: none stays in
    // flight, and a later ack() of one is stale.
    void take_settled(std::int64_t end, std::size_t max, std::vector<taken>& out);

    // Settles a delivery; false when the handle is stale (timed out, settled).
    bool ack(std::int64_t offset, std::uint64_t delivery_id);
    // Makes a delivery visible again at once, in place. `failed`: the
    // attempt counts as unsuccessful (AMQP's delivery-count); a consumer's
    // explicit release does not.
    bool release(std::int64_t offset, std::uint64_t delivery_id, bool failed = true);
    // Moves a delivery's deadline (a consumer asking for more time).
    bool extend(std::int64_t offset, std::uint64_t delivery_id, clock::time_point deadline);

    // Reports deliveries whose deadline passed under a new delivery id and
    // no deadline: they stay unsettled (the committed offset holds) while
    // the caller copies them to the retry topic, then acks or releases them.
    void take_expired(clock::time_point now, std::vector<taken>& out);

    // The lowest offset not yet settled: what the group may commit.
    std::int64_t committed() const;
    std::size_t in_flight() const;
    // Where new offsets come from; moves forward only (a reset re-creates the queue).
    std::int64_t next_offset() const;

private:
    // Calls hand_out(offset) for up to `max` offsets: released ones first,
    // then new ones below `end`.
    template <typename HandOut>
    void take_each(std::int64_t end, std::size_t max, HandOut hand_out);

    struct flight {
        std::uint64_t delivery_id;
        clock::time_point deadline;
    };

    mutable std::mutex mutex_;
    std::int64_t next_;
    std::map<std::int64_t, flight> in_flight_;
    std::set<std::int64_t> visible_again_;
    struct handed_out {
        int times = 0;
        int failures = 0;
    };
    std::map<std::int64_t, handed_out> redeliveries_;
};

} // namespace gantry::core
