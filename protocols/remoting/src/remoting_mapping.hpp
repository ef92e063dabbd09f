#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>

#include "gantry/engine/facade.hpp"

namespace gantry::protocols::remoting {

// The one place engine errors become RocketMQ response codes (STYLE 6).
std::int32_t to_response_code(std::error_code error) noexcept;

// A born host from the connection's "ip:port" / "[v6]:port" text; all zero
// when it does not parse.
engine::host_address to_host_address(std::string_view endpoint);

} // namespace gantry::protocols::remoting
