#pragma once

#include <string>
#include <vector>

#include "gantry/protocols/remoting/client/topic_route.hpp"

namespace gantry::protocols::remoting::client {

// Java's AllocateMessageQueueAveragely: queues and client ids are sorted,
// each client takes a contiguous run, the first (queues % clients) clients
// one more. A client not in `clients` gets nothing.
std::vector<message_queue> allocate_averagely(const std::string& client_id, std::vector<std::string> clients,
                                              std::vector<message_queue> queues);

} // namespace gantry::protocols::remoting::client
