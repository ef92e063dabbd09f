#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/protocols/remoting/language_code.hpp"

namespace gantry::protocols::remoting {

// The top byte of the header word (spec 1.1).
enum class serialization_type : std::uint8_t {
    json = 0,
    rocketmq = 1,
};

// flag bits (spec 1.4).
inline constexpr std::int32_t response_flag = 0x1;
inline constexpr std::int32_t oneway_flag = 0x2;

// MQVersion ordinal of V4_9_8: what Gantry sends as `version`. 0 would make
// Java clients disable features (spec 1.5).
inline constexpr std::int32_t broker_version = 409;

// Ordered so encoding is deterministic; std::less<> allows string_view look-ups.
using ext_field_map = std::map<std::string, std::string, std::less<>>;

// One decoded or to-be-encoded frame ("RemotingCommand"). All text is valid
// UTF-8: the decoder replaces malformed sequences with U+FFFD as Java's
// `new String(bytes, UTF_8)` does.
struct remoting_command {
    std::int32_t code = 0;
    // The LanguageCode name as sent; names Gantry does not know are kept.
    std::string language = "JAVA";
    std::int32_t version = broker_version;
    std::int32_t opaque = 0;
    std::int32_t flag = 0;
    std::optional<std::string> remark;
    ext_field_map ext_fields;
    serialization_type serialization = serialization_type::json;
    std::vector<std::byte> body;

    bool is_response() const noexcept { return (flag & response_flag) != 0; }
    // Only Java sets the bit; Go and C++ one-way requests arrive with flag 0.
    bool is_oneway() const noexcept { return (flag & oneway_flag) != 0; }
    std::optional<language_code> known_language() const noexcept { return language_from_name(language); }

    // Typed ext-field access with Java's parse rules (spec 1.2 rule 3). A
    // missing key gives ext_field_missing and a value Integer.parseInt /
    // Long.parseLong would refuse gives ext_field_not_a_number, so a handler
    // can answer SYSTEM_ERROR with ext_field_remark().
    const std::string* find_ext(std::string_view key) const;
    result<std::string_view> ext_string(std::string_view key) const;
    result<std::int32_t> ext_int32(std::string_view key) const;
    result<std::int64_t> ext_int64(std::string_view key) const;
    // Boolean.parseBoolean: only case-insensitive "true" is true.
    result<bool> ext_bool(std::string_view key) const;

    void set_ext(std::string key, std::string value) { ext_fields.insert_or_assign(std::move(key), std::move(value)); }

    bool operator==(const remoting_command&) const = default;
};

// A remark for SYSTEM_ERROR naming the field and what was wrong with it, e.g.
// "the request header field queueId is missing" or
// "the request header field queueId is not a number: abc".
std::string ext_field_remark(const remoting_command& request, std::string_view key, std::error_code error);

// The response to `request`: same opaque and serialization, the response bit
// set, language JAVA and broker_version. Set `serialization` on the result to
// force JSON (e.g. for clients that cannot read ROCKETMQ headers).
remoting_command make_response(const remoting_command& request, std::int32_t code,
                               std::optional<std::string> remark = std::nullopt);

// Java's Integer.parseInt / Long.parseLong on ASCII digits: optional sign,
// at least one digit, no spaces, no overflow.
std::optional<std::int32_t> parse_java_int(std::string_view text) noexcept;
std::optional<std::int64_t> parse_java_long(std::string_view text) noexcept;

} // namespace gantry::protocols::remoting
