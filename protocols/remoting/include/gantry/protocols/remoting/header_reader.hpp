#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gantry/protocols/remoting/remoting_command.hpp"

namespace gantry::protocols::remoting {

// Reads a request's header fields with Java's rules and keeps the first
// failure as the SYSTEM_ERROR remark Java would send, so a handler reads
// every field and checks once:
//
//     header_reader h(request);
//     const auto topic = h.text("topic");
//     const auto queue = h.int32("queueId");
//     if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
class header_reader {
public:
    explicit header_reader(const remoting_command& request) : request_(request) {}

    // Required fields: a missing or malformed one is a failure (and gives 0 / "").
    std::string text(std::string_view key);
    std::int32_t int32(std::string_view key);
    std::int64_t int64(std::string_view key);

    // Optional fields: `fallback` when absent; a malformed one is still a failure.
    std::string text_or(std::string_view key, std::string fallback);
    std::int32_t int32_or(std::string_view key, std::int32_t fallback);
    std::int64_t int64_or(std::string_view key, std::int64_t fallback);
    bool boolean_or(std::string_view key, bool fallback);

    const std::optional<std::string>& failure() const noexcept { return failure_; }

private:
    template <typename T>
    T take(std::string_view key, result<T> value, T fallback);

    const remoting_command& request_;
    std::optional<std::string> failure_;
};

} // namespace gantry::protocols::remoting
