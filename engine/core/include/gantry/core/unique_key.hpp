#pragma once

#include <cstdint>
#include <string>

#include "gantry/store/socket_address.hpp"

namespace gantry::core {

// A message id (UNIQ_KEY) for a message its producer did not name: 32
// upper-case hex characters like a Java client's (specs §3.6) — the broker's
// IPv4 address (or the last 4 bytes of its IPv6 one), the process id, the
// time in ms and a counter — unique across restarts and brokers.
class unique_key_generator {
public:
    explicit unique_key_generator(const store::socket_address& host);
    std::string next(std::int64_t now_ms);

private:
    std::string prefix_; // address and pid, in hex
    std::uint32_t counter_ = 0;
};

} // namespace gantry::core
