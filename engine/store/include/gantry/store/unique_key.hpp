#pragma once

#include <cstdint>
#include <string>

#include "gantry/store/socket_address.hpp"

namespace gantry::store {

// A message id (UNIQ_KEY) as a Java producer makes one (specs §3.6): 32
// upper-case hex characters — the host's IPv4 address (or the last 4 bytes of
// its IPv6 one), the process id, the time in ms and a counter — unique across
// restarts and hosts. The broker names messages their producer did not; the
// native client names every message it sends.
class unique_key_generator {
public:
    explicit unique_key_generator(const socket_address& host);
    std::string next(std::int64_t now_ms);

private:
    std::string prefix_; // address and pid, in hex
    std::uint32_t counter_ = 0;
};

} // namespace gantry::store
