// core_engine's topic administration: deleting a topic (RocketMQ's
// DELETE_TOPIC_IN_BROKER) everywhere the engine keeps something of it.
#include <memory>
#include <string>
#include <vector>

#include "core_log.hpp"
#include "gantry/core/core_engine.hpp"
#include "gantry/core/core_error.hpp"

namespace gantry::core {

namespace {

std::string who(const engine::operation_context& ctx) {
    if (!ctx.principal.empty()) return ctx.principal;
    return ctx.client_id.empty() ? std::string("an administrator") : ctx.client_id;
}

} // namespace

std::error_code core_engine::delete_topic(const engine::operation_context& ctx, const std::string& topic) {
    if (const auto ec = validate_topic_name(topic)) return ec;
    if (is_system_topic(topic)) return core_errc::reserved_topic_name;
    // From here on sends and subscriptions find no topic (a send may create
    // it again when automatic creation is on, as in RocketMQ).
    if (const auto ec = topics_.remove(topic)) {
        if (ec == core_errc::topic_not_exist) return ec;
        // Removed in memory; the next successful save writes the table without it.
        core_log()->warn("topic {} deleted, but config/topics.json could not be saved: {}", topic, ec.message());
    }

    // A subscription of the topic (or of the group whose retry topic it is)
    // ends; one to every topic only stops reading it, on its own executor
    // (where its sources change).
    std::vector<engine::subscription_id> reading;
    std::vector<std::shared_ptr<subscription>> reading_every_topic;
    std::vector<std::shared_ptr<consumer_group>> groups;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, sub] : subscriptions_) {
            const auto& options = sub->options();
            if (retry_topic_name(sub->group().name()) == topic || (!options.every_topic && options.topic == topic))
                reading.push_back(sub->id());
            else if (options.every_topic)
                reading_every_topic.push_back(sub);
        }
    }
    for (const auto id : reading) end_subscription(id, core_errc::topic_deleted);
    // Long polls on it answer now, as a pull of a topic that does not exist would.
    fail_held_reads_of(topic, core_errc::topic_not_exist);
    for (auto& sub : reading_every_topic)
        asio::post(sub->context().executor, [this, sub, topic] { remove_topic(*sub, topic); });
    // Durable groups outlive their members: their positions in it go now,
    // after the members that left saved theirs.
    {
        std::shared_lock lock(mutex_);
        for (const auto& [name, group] : groups_) groups.push_back(group);
    }
    for (const auto& group : groups) group->forget(topic);
    const auto positioned = offsets_.groups_of_topic(topic);
    offsets_.remove_topic(topic);
    if (const auto ec = offsets_.persist())
        core_log()->warn("cannot save config/consumerOffset.json without deleted topic {}: {}; its offsets are "
                         "written out with the next successful save",
                         topic, ec.message());

    if (const auto ec = store_.remove_topic(topic))
        core_log()->warn("topic {} deleted, but its consume queues are not removed yet: {}", topic, ec.message());
    core_log()->info("topic {} deleted by {}: {} subscription(s) ended, offsets of {} group(s) dropped; its "
                     "records stay in the commit log until retention removes them",
                     topic, who(ctx), reading.size(), positioned.size());
    return {};
}

} // namespace gantry::core
