#include <charconv>

#include "gantry/broker/broker_registry.hpp"
#include "gantry/broker/key_builders.hpp"

namespace gantry::broker {

namespace {

using std::chrono::milliseconds;

// messageDelayLevel: RocketMQ's "1s 5s 10s 30s 1m ... 2h", units s, m, h, d.
config_problem parse_delay_levels(const std::string& text, std::vector<milliseconds>& levels) {
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        rest.remove_prefix(start);
        const auto item = rest.substr(0, rest.find(' '));
        rest.remove_prefix(item.size());
        std::int64_t amount = 0;
        const auto [stop, error] = std::from_chars(item.data(), item.data() + item.size(), amount);
        const std::string_view unit(stop, static_cast<std::size_t>(item.data() + item.size() - stop));
        const std::int64_t scale = unit == "s" ? 1'000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000
                                 : unit == "d" ? 86'400'000 : 0;
        if (error != std::errc{} || amount <= 0 || scale == 0)
            return fmt::format("must be delays separated by spaces, each a number and a unit s, m, h or d (such as "
                               "\"1s 5s 10s 30s 1m\"), got '{}' in '{}'",
                               item, text);
        levels.push_back(milliseconds(amount * scale));
    }
    if (levels.empty()) return std::string("must list at least one delay, such as \"1s 5s 10s\"");
    return std::nullopt;
}

std::string format_delay_levels(const std::vector<milliseconds>& levels) {
    std::string text;
    for (const auto level : levels) {
        const auto ms = level.count();
        if (!text.empty()) text += ' ';
        if (ms % 86'400'000 == 0) text += fmt::format("{}d", ms / 86'400'000);
        else if (ms % 3'600'000 == 0) text += fmt::format("{}h", ms / 3'600'000);
        else if (ms % 60'000 == 0) text += fmt::format("{}m", ms / 60'000);
        else text += fmt::format("{}s", ms / 1'000);
    }
    return text;
}

// The engine keeps its metadata (topics, offsets) beside the store's files.
config_problem share_data_directory(broker_config& config) {
    config.engine.root_dir = config.store.root_dir;
    return std::nullopt;
}

} // namespace

void register_engine_keys(config_registry& registry) {
    auto add = [&](config_key key) { registry.add("Engine", std::move(key)); };

    add(bool_key(
        "autoCreateTopicEnable", "Create a topic the first time a message is sent or a consumer subscribes to it",
        [](auto& c) -> auto& { return c.engine.auto_create_topic_enable; }));
    add(integer_key(
        "defaultTopicQueueNums", "Most queues an automatically created topic gets", between(1, 1024),
        [](auto& c) -> auto& { return c.engine.default_topic_queue_nums; }));
    add(integer_key(
        "maxReconsumeTimes", "Deliveries of a message before it moves to the group's dead-letter topic",
        between(1, 1000), [](auto& c) -> auto& { return c.engine.max_reconsume_times; }));
    add(integer_key(
        "flushConsumerOffsetInterval", "Interval between writes of consumer offsets to disk, ms", at_least(1),
        [](auto& c) -> auto& { return c.engine.offset_persist_interval; }));
    add(text_key(
        "messageDelayLevel", "Delay of each level (1, 2, ...) for delayed messages and redelivery back-off",
        "DELAY[ DELAY...]", [](auto& c) -> auto& { return c.store.delay_levels; }, parse_delay_levels,
        format_delay_levels));

    registry.add_finisher(share_data_directory);
}

} // namespace gantry::broker
