#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "gantry/protocols/stomp/stomp_codec.hpp"

namespace gantry::protocols::stomp::test {

inline std::vector<std::byte> to_bytes(std::string_view text) {
    std::vector<std::byte> out;
    for (const char c : text) out.push_back(static_cast<std::byte>(c));
    return out;
}

// `text` as one read of a fresh codec.
inline decode_result decode(std::string_view text, stomp_version version = stomp_version::v1_2,
                            stomp_limits limits = {}) {
    return stomp_codec(limits).decode(to_bytes(text), version);
}

} // namespace gantry::protocols::stomp::test
