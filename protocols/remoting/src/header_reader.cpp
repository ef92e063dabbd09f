#include "gantry/protocols/remoting/header_reader.hpp"

#include <utility>

namespace gantry::protocols::remoting {

template <typename T>
T header_reader::take(std::string_view key, result<T> value, T fallback) {
    if (value) return std::move(*value);
    if (!failure_) failure_ = ext_field_remark(request_, key, value.error());
    return fallback;
}

std::string header_reader::text(std::string_view key) {
    auto value = request_.ext_string(key);
    if (value) return std::string(*value);
    return take<std::string>(key, value.error(), {});
}

std::int32_t header_reader::int32(std::string_view key) { return take<std::int32_t>(key, request_.ext_int32(key), 0); }

std::int64_t header_reader::int64(std::string_view key) { return take<std::int64_t>(key, request_.ext_int64(key), 0); }

std::string header_reader::text_or(std::string_view key, std::string fallback) {
    const auto* value = request_.find_ext(key);
    return value ? *value : std::move(fallback);
}

std::int32_t header_reader::int32_or(std::string_view key, std::int32_t fallback) {
    return request_.find_ext(key) ? int32(key) : fallback;
}

std::int64_t header_reader::int64_or(std::string_view key, std::int64_t fallback) {
    return request_.find_ext(key) ? int64(key) : fallback;
}

bool header_reader::boolean_or(std::string_view key, bool fallback) {
    return request_.find_ext(key) ? take<bool>(key, request_.ext_bool(key), false) : fallback;
}

} // namespace gantry::protocols::remoting
