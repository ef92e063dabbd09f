#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace gantry::store {

// A zlib stream (RFC 1950): how RocketMQ clients compress message bodies
// (sysFlag COMPRESSED, compression type ZLIB) and brokers their
// registration bodies.
struct inflated_stream {
    enum class outcome { inflated, malformed, too_large };
    outcome result = outcome::inflated;
    std::string bytes; // when inflated
};

// Inflates `compressed`, which must hold a whole stream, giving up once it
// would pass `max_size` bytes.
inflated_stream inflate_zlib(std::span<const std::byte> compressed, std::size_t max_size);

} // namespace gantry::store
