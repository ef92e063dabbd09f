#include "gantry/protocols/common/connection_limits.hpp"

#include <fmt/format.h>

#include "gantry/protocols/common/input_buffer.hpp"

namespace gantry::protocols::common {

connection_limits connection_limits::for_frame_size(std::size_t max_frame) {
    connection_limits limits;
    limits.max_frame_size = max_frame;
    limits.input_budget_bytes = max_frame + 1024 * 1024;
    return limits;
}

std::optional<std::string> connection_limits::validate() const {
    if (max_connections == 0) {
        return fmt::format("{} must be at least 1", key("maxConnections"));
    }
    if (max_frame_size == 0) {
        return fmt::format("{} must be at least 1", key("maxFrameSize"));
    }
    if (input_budget_bytes < max_frame_size) {
        return fmt::format("{} ({}) must be at least {} ({}): a frame of the largest size could never be read",
                           key("inputBudgetBytes"), input_budget_bytes, key("maxFrameSize"), max_frame_size);
    }
    if (input_budget_bytes > input_buffer::max_budget) {
        return fmt::format("{} ({}) must be at most {}", key("inputBudgetBytes"), input_budget_bytes,
                           input_buffer::max_budget);
    }
    if (output_budget_bytes == 0) {
        return fmt::format("{} must be at least 1", key("outputBudgetBytes"));
    }
    if (idle_timeout.count() < 0) {
        return fmt::format("{} must not be negative", key("idleTimeout"));
    }
    if (flush_timeout.count() <= 0) {
        return fmt::format("{} must be positive", key("flushTimeout"));
    }
    return std::nullopt;
}

} // namespace gantry::protocols::common
