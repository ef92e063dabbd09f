#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace gantry::namesrv {

// The name server's KV configuration: namespace → key → value (rocketmq-mqtt
// keeps its LMQ settings here, ORDER_TOPIC_CONFIG the order-topic queues).
// Thread-safe (one mutex). With a path, every change rewrites the file as
// RocketMQ's kvConfig.json, {"configTable":{"ns":{"k":"v"}}}, through a
// temporary file renamed over it, so a crash leaves the old or the new file.
class kv_config {
public:
    using table = std::map<std::string, std::string, std::less<>>;

    // An empty path keeps the configuration in memory only.
    explicit kv_config(std::filesystem::path path = {});

    // Reads the file; a missing or empty one is an empty configuration. When
    // it cannot be read or is not a kvConfig.json: the sentence for the
    // operator, naming the file.
    std::optional<std::string> load();

    void put(std::string_view name_space, std::string_view key, std::string value);
    std::optional<std::string> get(std::string_view name_space, std::string_view key) const;
    // As Java, the namespace stays (empty) after its last key is deleted.
    void erase(std::string_view name_space, std::string_view key);
    // The namespace's entries; nothing when it was never written.
    std::optional<table> list(std::string_view name_space) const;

private:
    // Writes the file; a failure is logged (the change stays in memory).
    void persist() const;

    const std::filesystem::path path_;
    mutable std::mutex mutex_;
    std::map<std::string, table, std::less<>> namespaces_;
};

} // namespace gantry::namesrv
