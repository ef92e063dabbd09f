#include "gantry/store/zlib_stream.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace gantry::store {

inflated_stream inflate_zlib(std::span<const std::byte> compressed, std::size_t max_size) {
    using enum inflated_stream::outcome;
    if (compressed.size() > std::numeric_limits<uInt>::max() || max_size >= std::numeric_limits<uInt>::max())
        return {too_large, {}};
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK) return {malformed, {}};
    stream.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());
    // Room for max_size + 1 bytes at most, so that passing it shows.
    std::string out(std::min(max_size + 1, std::max<std::size_t>(compressed.size() * 4, 256)), '\0');
    std::size_t produced = 0;
    int status = Z_OK;
    while (status == Z_OK && produced <= max_size) {
        if (produced == out.size()) out.resize(std::min(out.size() * 2, max_size + 1));
        stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
        stream.avail_out = static_cast<uInt>(out.size() - produced);
        status = inflate(&stream, Z_NO_FLUSH);
        produced = out.size() - stream.avail_out;
    }
    inflateEnd(&stream);
    if (produced > max_size) return {too_large, {}};
    if (status != Z_STREAM_END) return {malformed, {}};
    out.resize(produced);
    return {inflated, std::move(out)};
}

} // namespace gantry::store
