#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/remoting/route_data.hpp"

namespace gantry::protocols::remoting::client {

// One queue of a topic on one broker (Java's MessageQueue).
struct message_queue {
    std::string topic;
    std::string broker_name;
    std::int32_t queue_id = 0;

    auto operator<=>(const message_queue&) const = default;
};

// A topic's route as a name server describes it (TopicRouteData, spec 4.3).
using remoting::topic_route;

inline constexpr std::int32_t perm_write = 0x2;
inline constexpr std::int32_t perm_read = 0x4;

// Queues producers may send to: writable, on a broker with a master.
std::vector<message_queue> write_queues(const topic_route& route, std::string_view topic);
// Queues consumers read: readable ones.
std::vector<message_queue> read_queues(const topic_route& route, std::string_view topic);
std::optional<std::string> master_address(const topic_route& route, std::string_view broker_name);

} // namespace gantry::protocols::remoting::client
