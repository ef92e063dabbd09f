#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>

namespace gantry::core {

// Settings of the engine core; the broker fills it from gantry.toml
// (RocketMQ broker.conf names beside each field).
struct core_config {
    std::filesystem::path root_dir = "data";                          // storePathRootDir
    bool auto_create_topic_enable = true;                             // autoCreateTopicEnable
    std::int32_t default_topic_queue_nums = 8;                        // defaultTopicQueueNums
    int max_reconsume_times = 16;                                     // maxReconsumeTimes
    std::chrono::milliseconds offset_persist_interval{5'000};        // flushConsumerOffsetInterval
    std::chrono::milliseconds revive_interval{200};                   // how often ack deadlines are checked
    std::chrono::milliseconds retained_snapshot_interval{10'000};     // how often config/retained.index is rewritten (when changed)
};

} // namespace gantry::core
