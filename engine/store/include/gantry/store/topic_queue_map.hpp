#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gantry::store {

// (topic, queue id), looked up without building a string.
struct topic_queue_ref {
    std::string_view topic;
    std::int32_t queue_id;
};

struct topic_queue_key {
    std::string topic;
    std::int32_t queue_id;
    operator topic_queue_ref() const noexcept { return {topic, queue_id}; }
};

struct topic_queue_hash {
    using is_transparent = void;
    std::size_t operator()(topic_queue_ref k) const noexcept {
        return std::hash<std::string_view>{}(k.topic) * 31 + static_cast<std::size_t>(k.queue_id);
    }
    std::size_t operator()(const topic_queue_key& k) const noexcept { return (*this)(topic_queue_ref(k)); }
};

struct topic_queue_equal {
    using is_transparent = void;
    static topic_queue_ref ref(topic_queue_ref k) noexcept { return k; }
    static topic_queue_ref ref(const topic_queue_key& k) noexcept { return k; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const noexcept {
        const auto x = ref(a);
        const auto y = ref(b);
        return x.queue_id == y.queue_id && x.topic == y.topic;
    }
};

template <typename V>
using topic_queue_map = std::unordered_map<topic_queue_key, V, topic_queue_hash, topic_queue_equal>;

} // namespace gantry::store
