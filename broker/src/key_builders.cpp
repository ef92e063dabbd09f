#include "gantry/broker/key_builders.hpp"

namespace gantry::broker {

config_problem non_empty(const std::string& text) {
    if (text.empty()) {
        return "must not be empty";
    }
    return std::nullopt;
}

namespace detail {

config_problem check_range(const int_range& range, std::int64_t value) {
    if (value < range.min || value > range.max) {
        return fmt::format("must be between {} and {}, got {}", range.min, range.max, value);
    }
    if (value % range.multiple_of != 0) {
        return fmt::format("must be a multiple of {}, got {}", range.multiple_of, value);
    }
    return std::nullopt;
}

} // namespace detail

} // namespace gantry::broker
