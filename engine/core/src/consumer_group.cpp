#include "gantry/core/consumer_group.hpp"

namespace gantry::core {

consumer_group::consumer_group(std::string name, engine::delivery_mode mode, bool durable,
                               std::optional<engine::start_position> start)
    : name_(std::move(name)), mode_(mode), durable_(durable), start_(std::move(start)) {}

std::shared_ptr<pop_queue> consumer_group::find(std::string_view topic, std::int32_t queue_id) const {
    std::lock_guard lock(mutex_);
    auto it = queues_.find(store::topic_queue_ref{topic, queue_id});
    return it == queues_.end() ? nullptr : it->second;
}

std::vector<consumer_group::queue_ref> consumer_group::queues() const {
    std::lock_guard lock(mutex_);
    std::vector<queue_ref> out;
    out.reserve(queues_.size());
    for (const auto& [key, q] : queues_) out.push_back({key.topic, key.queue_id, q});
    return out;
}

void consumer_group::restart(std::string_view topic, std::int32_t queue_id, std::int64_t offset) {
    std::lock_guard lock(mutex_);
    queues_.insert_or_assign(store::topic_queue_key{std::string(topic), queue_id}, std::make_shared<pop_queue>(offset));
}

void consumer_group::forget(std::string_view topic) {
    std::lock_guard lock(mutex_);
    std::erase_if(queues_, [&](const auto& entry) { return entry.first.topic == topic; });
}

int consumer_group::join() {
    std::lock_guard lock(mutex_);
    return ++members_;
}

int consumer_group::leave() {
    std::lock_guard lock(mutex_);
    return --members_;
}

int consumer_group::members() const {
    std::lock_guard lock(mutex_);
    return members_;
}

} // namespace gantry::core
