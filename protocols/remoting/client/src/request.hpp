#pragma once

#include <cstdint>

#include "gantry/protocols/remoting/remoting_command.hpp"

namespace gantry::protocols::remoting::client {

// A request as this client sends it: ROCKETMQ binary header (cheaper to
// read than JSON for both sides) and language OTHER, for it is none of the
// clients the LanguageCode list names.
inline remoting_command make_request(std::int32_t code) {
    remoting_command request;
    request.code = code;
    request.language = "OTHER";
    request.serialization = serialization_type::rocketmq;
    return request;
}

} // namespace gantry::protocols::remoting::client
