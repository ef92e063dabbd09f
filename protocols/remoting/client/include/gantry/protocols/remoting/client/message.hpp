#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "gantry/protocols/remoting/client/topic_route.hpp"

namespace gantry::protocols::remoting::client {

// A message to send. Tags and keys travel as the TAGS and KEYS properties
// (keys separated by spaces), as Java's Message does.
struct message {
    std::string topic;
    std::string body;
    std::string tags;
    std::string keys;
    std::map<std::string, std::string> properties; // the application's own
    std::int32_t delay_level = 0;                  // 0: deliver at once
    std::int32_t flag = 0;
};

enum class send_status { send_ok, flush_disk_timeout, flush_slave_timeout, slave_not_available };

struct send_result {
    send_status status = send_status::send_ok;
    std::string msg_id;        // the client-made UNIQ_KEY (comma-joined for a batch)
    std::string offset_msg_id; // the broker's commit-log id (comma-joined for a batch)
    message_queue queue;
    std::int64_t queue_offset = 0;
};

// A message as a consumer receives it, decoded from the stored record.
struct received_message {
    std::string topic;
    std::string body;
    std::string tags;
    std::string keys;
    std::map<std::string, std::string> properties; // every property, system ones included
    std::string msg_id;        // UNIQ_KEY when the producer set one, else the offset id
    std::string offset_msg_id; // store host + commit-log offset
    std::string broker_name;
    std::int32_t queue_id = 0;
    std::int64_t queue_offset = 0;
    std::int64_t commit_log_offset = 0;
    std::int64_t born_timestamp = 0;
    std::int64_t store_timestamp = 0;
    std::int32_t reconsume_times = 0;
    std::int32_t flag = 0;
    std::string store_host;
};

} // namespace gantry::protocols::remoting::client
