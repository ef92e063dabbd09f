#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gantry/protocols/remoting/client/client_runtime.hpp"
#include "gantry/protocols/remoting/client/message.hpp"

namespace gantry::protocols::remoting::client {

// The brokers the name servers know (ClusterInfo, spec 4.4).
using remoting::cluster_info;

struct topic_settings {
    std::string name;
    std::int32_t read_queue_nums = 8;
    std::int32_t write_queue_nums = 8;
    std::int32_t perm = 6; // read and write
    bool order = false;
};

// Operations on topics, brokers and messages, as RocketMQ's mqadmin does
// them. Blocking: call from any thread but the runtime's.
class admin {
public:
    explicit admin(client_runtime& runtime) : runtime_(runtime) {}

    result<cluster_info> cluster();
    // Every topic the name servers know.
    result<std::vector<std::string>> topics();
    // Creates or updates the topic on every master of `cluster` (every
    // master the name servers know when empty); returns how many.
    result<std::size_t> create_topic(const topic_settings& topic, const std::string& cluster = {});
    result<topic_route> route(const std::string& topic);
    // What the broker at `address` reports of itself (GET_BROKER_RUNTIME_INFO).
    result<std::map<std::string, std::string>> runtime_info(const std::string& address);
    // A message by its offset message id (the broker's id).
    result<received_message> message_by_offset_id(const std::string& offset_msg_id);
    // Messages of `topic` whose KEYS (or, with `unique_key`, UNIQ_KEY) hold
    // `key`, stored between the two times (ms), from every broker of the topic.
    result<std::vector<received_message>> query_by_key(const std::string& topic, const std::string& key,
                                                       std::int32_t max, std::int64_t begin_ms, std::int64_t end_ms,
                                                       bool unique_key = false);

private:
    result<remoting_command> call(const std::string& address, remoting_command request);

    client_runtime& runtime_;
};

} // namespace gantry::protocols::remoting::client
