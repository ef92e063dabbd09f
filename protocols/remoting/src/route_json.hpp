#pragma once

#include <string>
#include <vector>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/remoting/remoting_module.hpp"

namespace gantry::protocols::remoting {

// The name-server bodies gantryd serves about itself (spec 4.3–4.5), as
// compact JSON with keys in fastjson's alphabetical order. brokerAddrs keys
// are quoted ("0"), which every client parses, and there is no whitespace
// anywhere: the Go client splits the brokerAddrs text on ',' and ':'.

// TopicRouteData: this broker alone (as master, id 0) hosting `topic`.
std::string topic_route_json(const engine::topic_info& topic, const broker_identity& identity);
// ClusterInfo: this broker in its cluster.
std::string cluster_info_json(const broker_identity& identity);
// TopicList without brokerAddr.
std::string topic_list_json(const std::vector<std::string>& topics);
// GetConsumerListByGroupResponseBody.
std::string consumer_list_json(const std::vector<std::string>& client_ids);

} // namespace gantry::protocols::remoting
