#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace gantry::protocols::mqtt {

// One copy of a message for all of a session's subscriptions that match it
// (3.1.1 §3.3.5, 5.0 §3.3.4): each subscription reads its own engine group,
// so the engine hands the session one copy per subscription. The first goes
// out for all of them; this remembers, per record, which subscriptions'
// copies are still to come and to be passed over. Bounded: past
// `max_records` it forgets everything, and a later copy then goes out too,
// which both versions allow ("MAY deliver further copies").
class overlapping_copies {
public:
    static constexpr std::size_t max_records = 4096;

    // The copies of `record` (its commit-log offset) that `subscriptions`
    // will be handed were sent already.
    void expect(std::int64_t record, const std::vector<std::uint64_t>& subscriptions);
    // Whether `subscription`'s copy of `record` went out with another's;
    // true once per expected copy.
    bool take(std::int64_t record, std::uint64_t subscription);
    std::size_t size() const noexcept { return pending_.size(); }

private:
    std::unordered_map<std::int64_t, std::vector<std::uint64_t>> pending_;
};

} // namespace gantry::protocols::mqtt
