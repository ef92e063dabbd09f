#pragma once

#include <zlib.h>

#include <string>
#include <string_view>

namespace gantry::testing {

// `text` as a zlib stream, the way RocketMQ compresses message bodies and
// register-broker bodies.
inline std::string zlib_compressed(std::string_view text) {
    auto size = compressBound(static_cast<uLong>(text.size()));
    std::string out(size, '\0');
    compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(text.data()),
              static_cast<uLong>(text.size()), Z_DEFAULT_COMPRESSION);
    out.resize(size);
    return out;
}

} // namespace gantry::testing
