#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "gantry/namesrv/broker_registration.hpp"
#include "gantry/protocols/remoting/remoting_command.hpp"

namespace gantry::namesrv::test {

using bytes = std::vector<std::byte>;

inline bytes to_bytes(std::string_view text) {
    const auto* data = reinterpret_cast<const std::byte*>(text.data());
    return bytes(data, data + text.size());
}

inline std::string to_text(const bytes& data) {
    return std::string(reinterpret_cast<const char*>(data.data()), data.size());
}

inline topic_config topic(std::string name, std::int32_t queues, std::int32_t perm = 6) {
    topic_config t;
    t.topic_name = std::move(name);
    t.read_queue_nums = queues;
    t.write_queue_nums = queues;
    t.perm = perm;
    return t;
}

// broker-a's master on 10.0.0.1:10911 of DefaultCluster, data version `counter`.
inline broker_registration master(std::vector<topic_config> topics, std::int64_t counter = 1,
                                  std::string name = "broker-a", std::string addr = "10.0.0.1:10911") {
    broker_registration r;
    r.cluster_name = "DefaultCluster";
    r.broker_name = std::move(name);
    r.broker_addr = std::move(addr);
    r.broker_id = 0;
    r.ha_server_addr = "10.0.0.1:10912";
    r.version = {counter, 1700000000000, 0};
    r.topics = std::move(topics);
    return r;
}

inline broker_registration slave_of(const broker_registration& m, std::string addr, std::int64_t id = 1) {
    auto r = m;
    r.broker_addr = std::move(addr);
    r.broker_id = id;
    r.ha_server_addr = "";
    r.topics.clear();
    return r;
}

inline protocols::remoting::remoting_command request(std::int32_t code, protocols::remoting::ext_field_map ext = {},
                                                     std::string_view body = {}) {
    protocols::remoting::remoting_command r;
    r.code = code;
    r.opaque = 7;
    r.ext_fields = std::move(ext);
    r.body = to_bytes(body);
    return r;
}

// A fresh directory under the system's temporary directory, removed at the end.
class temp_dir {
public:
    temp_dir() {
        static int counter = 0;
        path_ = std::filesystem::temp_directory_path() /
                ("namesrv-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

} // namespace gantry::namesrv::test
