#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "gantry/engine/result.hpp"
#include "gantry/namesrv/broker_registration.hpp"
#include "gantry/protocols/remoting/remoting_command.hpp"

// The REGISTER_BROKER body (spec 2.5.4) both ways, and the request around it.
namespace gantry::namesrv {

// A compressed body may not inflate past this (the frame limit is 16 MiB).
inline constexpr std::size_t max_inflated_register_body = 64 * 1024 * 1024;

// The uncompressed body as fastjson writes it: keys alphabetical, compact:
// {"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{...},"topicConfigTable":{...}}}
std::string encode_register_broker_body(const broker_registration& registration);

// The body's data version, topics and filter servers (the header fields stay
// empty). `compressed` selects the zlib layout. Tolerant as fastjson is:
// numbers as strings, unknown fields, filter types as names or ordinals.
result<broker_registration> parse_register_broker_body(std::span<const std::byte> body, bool compressed);

// A complete REGISTER_BROKER request (uncompressed body, bodyCrc32 set),
// opaque 0: the caller numbers its requests.
protocols::remoting::remoting_command make_register_broker_request(const broker_registration& registration);

// The UNREGISTER_BROKER a broker sends when it stops.
protocols::remoting::remoting_command make_unregister_broker_request(const std::string& cluster_name,
                                                                     const std::string& broker_name,
                                                                     const std::string& broker_addr,
                                                                     std::int64_t broker_id);

} // namespace gantry::namesrv
