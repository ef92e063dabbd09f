#pragma once

#include <string>
#include <vector>

#include "gantry/namesrv/kv_config.hpp"
#include "gantry/protocols/remoting/route_data.hpp"

// The name server's response bodies (spec 4.3–4.5) as compact JSON with keys
// in fastjson's alphabetical order. brokerAddrs keys are quoted ("0"), which
// every client parses, and there is no whitespace anywhere: the Go client
// splits the brokerAddrs text on ',' and ':'.
namespace gantry::namesrv {

using protocols::remoting::cluster_info_json;
using protocols::remoting::topic_route_json;
// TopicList without brokerAddr.
std::string topic_list_json(const std::vector<std::string>& topics);
// KVTable: {"table":{"k":"v"}}.
std::string kv_table_json(const kv_config::table& table);

} // namespace gantry::namesrv
