#pragma once

#include <cstddef>
#include <memory>
#include <span>

namespace gantry::engine {

// Bytes exactly as they lie in the commit log (a record, or a record's
// body), and what keeps that memory mapped until the caller has written
// them out.
struct stored_record {
    std::span<const std::byte> bytes;
    std::shared_ptr<const void> keep_alive;
};

} // namespace gantry::engine
