// Limits on what waits for an absent durable subscriber (facade::trim_backlog).
// The messages stay in the log for everyone else; only the groups' positions
// move. The newest are found by walking the groups' queues backwards
// together, newest record first by commit-log offset (the order of storing).
#include <queue>

#include "core_log.hpp"
#include "gantry/core/core_engine.hpp"
#include "gantry/core/core_error.hpp"

namespace gantry::core {

namespace {

// One queue of one group, walked from its newest entry down to the group's
// position in it (`begin`).
struct queue_walk {
    std::size_t group = 0; // index into the groups walked
    std::string topic;
    std::int32_t queue_id = 0;
    std::int64_t begin = 0;
    std::int64_t next = 0; // the entry looked at next; below `begin` when done
    store::cq_entry entry;
};

struct walked_group {
    const std::string* name;
    record_filter filter;
};

struct newer_first {
    const std::vector<queue_walk>* walks;
    bool operator()(std::size_t a, std::size_t b) const {
        return (*walks)[a].entry.physical_offset < (*walks)[b].entry.physical_offset;
    }
};

} // namespace

bool core_engine::entry_matches(const record_filter& filter, const store::cq_entry& entry) const {
    if (!filter.matches_tag_code(entry.tag_code)) return false;
    if (filter.matches_all()) return true;
    const auto ref = store_.read_record_at(entry.physical_offset);
    if (!ref) return false;
    const auto record = store::decode_record(ref->bytes);
    return record && filter.matches_record(*record);
}

std::int64_t core_engine::resume_offset(const std::string& group, const engine::start_position& start,
                                        std::string_view topic, std::int32_t queue_id) const {
    if (auto committed = offsets_.query(group, topic, queue_id)) return *committed;
    return position_offset(start, topic, queue_id);
}

result<std::uint64_t> core_engine::trim_backlog(const engine::operation_context&,
                                                std::span<const engine::subscription_options> groups,
                                                std::uint64_t keep) {
    std::vector<walked_group> walked;
    std::vector<queue_walk> walks;
    std::uint64_t waiting = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const auto& options = groups[g];
        if (options.group.empty() || !options.durable) return std::make_error_code(std::errc::invalid_argument);
        {
            std::shared_lock lock(mutex_);
            if (const auto it = groups_.find(options.group); it != groups_.end() && it->second->members() > 0)
                continue;
        }
        selector_diagnostic diagnostic;
        auto filter = record_filter::compile(options.filter_kind, options.filter, diagnostic, options.selector);
        if (!filter) return core_errc::invalid_filter;
        walked.push_back({&options.group, std::move(*filter)});
        std::vector<topic_config> topics;
        if (options.every_topic) {
            for (auto& topic : topics_.list())
                if (read_by_every_topic(topic)) topics.push_back(std::move(topic));
        } else if (auto topic = topics_.find(options.topic)) {
            topics.push_back(std::move(*topic));
        }
        for (const auto& topic : topics)
            for (std::int32_t q = 0; q < topic.read_queue_nums; ++q) {
                const auto begin = resume_offset(options.group, options.start, topic.topic_name, q);
                const auto end = store_.max_offset(topic.topic_name, q);
                if (end <= begin) continue;
                waiting += static_cast<std::uint64_t>(end - begin);
                walks.push_back({walked.size() - 1, topic.topic_name, q, begin, end - 1, {}});
            }
    }
    if (waiting <= keep) return std::uint64_t{0};

    // Newest first until `keep` matching entries are seen: each walk's
    // `next` + 1 is then where its group resumes.
    std::priority_queue<std::size_t, std::vector<std::size_t>, newer_first> newest{newer_first{&walks}};
    auto advance = [&](std::size_t i) {
        auto& w = walks[i];
        for (; w.next >= w.begin; --w.next) {
            if (auto entry = store_.queue_entry(w.topic, w.queue_id, w.next)) {
                w.entry = *entry;
                newest.push(i);
                return;
            }
        }
    };
    for (std::size_t i = 0; i < walks.size(); ++i) advance(i);
    std::uint64_t kept = 0;
    while (!newest.empty() && kept < keep) {
        const auto i = newest.top();
        newest.pop();
        auto& w = walks[i];
        if (entry_matches(walked[w.group].filter, w.entry)) ++kept;
        --w.next;
        advance(i);
    }
    if (newest.empty()) return std::uint64_t{0}; // no more than `keep` match

    std::uint64_t skipped = 0;
    for (auto& w : walks) {
        const auto resume = w.next + 1;
        if (resume <= w.begin) continue;
        const auto& filter = walked[w.group].filter;
        if (filter.matches_all()) {
            skipped += static_cast<std::uint64_t>(resume - w.begin);
        } else {
            for (auto offset = w.begin; offset < resume; ++offset)
                if (const auto entry = store_.queue_entry(w.topic, w.queue_id, offset); entry && entry_matches(filter, *entry))
                    ++skipped;
        }
        const auto& group = *walked[w.group].name;
        offsets_.reset_to(group, w.topic, w.queue_id, resume);
        std::shared_ptr<consumer_group> live;
        {
            std::shared_lock lock(mutex_);
            if (const auto it = groups_.find(group); it != groups_.end()) live = it->second;
        }
        if (live) live->restart(w.topic, w.queue_id, resume);
    }
    if (const auto ec = offsets_.persist())
        core_log()->warn("cannot save the offsets of trimmed backlogs to config/consumerOffset.json: {}", ec.message());
    return skipped;
}

} // namespace gantry::core
