// Subscriptions to every topic (subscription_options::every_topic, an MQTT
// filter whose first level is a wildcard): the queues of every application
// topic, those of each topic made later added and those of a deleted one
// removed, on the subscription's executor.
#include "gantry/core/core_engine.hpp"

namespace gantry::core {

bool core_engine::read_by_every_topic(const topic_config& topic) noexcept {
    const auto& name = topic.topic_name;
    return topic.readable() && !is_system_topic(name) && !is_retry_topic(name) && !is_dlq_topic(name) &&
           !engine::is_hidden_topic(name);
}

void core_engine::widen_every_topic_subscriptions(const topic_config& topic) {
    if (!read_by_every_topic(topic)) return;
    std::vector<std::shared_ptr<subscription>> wide;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, sub] : subscriptions_)
            if (sub->options().every_topic) wide.push_back(sub);
    }
    for (auto& sub : wide)
        asio::post(sub->context().executor, [this, sub, topic] { add_topics(sub, {topic}); });
}

void core_engine::add_topics(const std::shared_ptr<subscription>& sub, const std::vector<topic_config>& topics) {
    if (sub->closed) return;
    std::vector<subscription::source> added;
    for (const auto& topic : topics) {
        if (!read_by_every_topic(topic)) continue;
        for (std::int32_t q = 0; q < topic.read_queue_nums; ++q)
            if (!sub->reads(topic.topic_name, q)) added.push_back({topic.topic_name, q});
    }
    // Nothing is pinned in the new queues (with thousands of durable
    // subscribers, each topic made would save the offset table thousands
    // of times): the group reads them from its start position, which a
    // returning subscriber gives again (subscription_options::every_topic).
    if (added.empty()) return;
    for (auto& src : added) {
        watch(sub, src);
        sub->add_source(std::move(src));
    }
    post_pump(sub);
}

void core_engine::remove_topic(subscription& sub, const std::string& topic) {
    for (const auto token : sub.take_watches_of(topic)) arrivals_.unwatch(token);
    sub.remove_sources(topic);
}

} // namespace gantry::core
