#include "gantry/core/subscription.hpp"

#include <algorithm>
#include <utility>

namespace gantry::core {

subscription::subscription(engine::subscription_id id, engine::operation_context ctx,
                           engine::subscription_options options, std::shared_ptr<engine::delivery_sink> sink,
                           std::shared_ptr<consumer_group> group, record_filter filter, std::vector<source> sources)
    : id_(id),
      ctx_(std::move(ctx)),
      options_(std::move(options)),
      sink_(std::move(sink)),
      group_(std::move(group)),
      filter_(std::move(filter)),
      sources_(std::move(sources)) {
    settle_on_hand_over = options_.settle_on_hand_over;
}

bool subscription::reads(std::string_view topic, std::int32_t queue_id) const noexcept {
    return std::any_of(sources_.begin(), sources_.end(),
                       [&](const source& s) { return s.queue_id == queue_id && s.topic == topic; });
}

void subscription::remove_sources(std::string_view topic) {
    std::erase_if(sources_, [&](const source& s) { return s.topic == topic; });
}

bool subscription::add_watch(std::string_view topic, arrival_hub::token t) {
    std::lock_guard lock(mutex_);
    if (closed) return false;
    watches_.emplace_back(topic, t);
    return true;
}

std::vector<arrival_hub::token> subscription::take_watches() {
    std::lock_guard lock(mutex_);
    std::vector<arrival_hub::token> tokens;
    for (const auto& [topic, t] : watches_) tokens.push_back(t);
    watches_.clear();
    return tokens;
}

std::vector<arrival_hub::token> subscription::take_watches_of(std::string_view topic) {
    std::lock_guard lock(mutex_);
    std::vector<arrival_hub::token> tokens;
    std::erase_if(watches_, [&](const auto& w) {
        if (w.first != topic) return false;
        tokens.push_back(w.second);
        return true;
    });
    return tokens;
}

void subscription::hold(const engine::delivery_handle& h) {
    std::lock_guard lock(mutex_);
    unsettled_.emplace(h.delivery_id, h);
}

bool subscription::forget(const engine::delivery_handle& h) {
    std::lock_guard lock(mutex_);
    return unsettled_.erase(h.delivery_id) > 0;
}

std::vector<engine::delivery_handle> subscription::take_unsettled() {
    std::lock_guard lock(mutex_);
    std::vector<engine::delivery_handle> out;
    out.reserve(unsettled_.size());
    for (auto& [id, h] : unsettled_) out.push_back(std::move(h));
    unsettled_.clear();
    return out;
}

} // namespace gantry::core
