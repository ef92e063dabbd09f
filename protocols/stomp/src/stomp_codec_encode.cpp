// stomp_codec's encoder; the decoder is in stomp_codec.cpp.
#include <cstring>
#include <optional>
#include <string_view>

#include "gantry/protocols/stomp/stomp_codec.hpp"

namespace gantry::protocols::stomp {

namespace {

using namespace std::string_view_literals;

// CONNECT, STOMP and CONNECTED are never escaped (1.2, "Value Encoding"),
// and 1.0 has no escapes at all.
bool escapes_headers(stomp_command command, stomp_version version) noexcept {
    return version != stomp_version::v1_0 && command != stomp_command::connect &&
           command != stomp_command::stomp && command != stomp_command::connected;
}

struct header_rules {
    bool escaped = false;
    bool escape_cr = false; // only 1.2 has \r
};

// The encoded size of a header name or value, or nothing when an octet of
// it cannot be written so that the decoder reads it back: NUL anywhere, a
// CR or LF with no escape for it, ':' in a name of an unescaped frame.
std::optional<std::size_t> encoded_size(std::string_view text, bool name, header_rules rules) noexcept {
    std::size_t size = text.size();
    for (const char c : text) {
        switch (c) {
        case '\0': return std::nullopt;
        case '\r':
            if (!rules.escape_cr) return std::nullopt;
            ++size;
            break;
        case '\n':
            if (!rules.escaped) return std::nullopt;
            ++size;
            break;
        case ':':
            if (rules.escaped) {
                ++size;
            } else if (name) {
                return std::nullopt;
            }
            break;
        case '\\':
            if (rules.escaped) ++size;
            break;
        default: break;
        }
    }
    return size;
}

char* put(char* out, std::string_view text) noexcept {
    if (!text.empty()) std::memcpy(out, text.data(), text.size());
    return out + text.size();
}

// `text` has passed encoded_size.
char* put_header(char* out, std::string_view text, header_rules rules) noexcept {
    if (!rules.escaped || text.find_first_of("\\\n\r:"sv) == std::string_view::npos) return put(out, text);
    for (const char c : text) {
        switch (c) {
        case '\\': out = put(out, "\\\\"sv); break;
        case '\n': out = put(out, "\\n"sv); break;
        case '\r': out = put(out, "\\r"sv); break;
        case ':': out = put(out, "\\c"sv); break;
        default: *out++ = c; break;
        }
    }
    return out;
}

} // namespace

result<std::size_t> stomp_codec::encode_into(const stomp_frame& frame, stomp_version version,
                                             std::vector<std::byte>& out) {
    header_rules rules;
    rules.escaped = escapes_headers(frame.command, version);
    rules.escape_cr = rules.escaped && version == stomp_version::v1_2;
    const auto command = command_name(frame.command);
    std::size_t size = command.size() + 2 + frame.body.size() + 1;
    for (const auto& [name, value] : frame.headers) {
        const auto name_size = encoded_size(name, true, rules);
        const auto value_size = encoded_size(value, false, rules);
        if (name.empty() || !name_size || !value_size) return stomp_errc::unencodable_header;
        size += *name_size + 1 + *value_size + 1;
    }

    const auto start = out.size();
    out.resize(start + size);
    auto* cursor = reinterpret_cast<char*>(out.data() + start);
    cursor = put(cursor, command);
    *cursor++ = '\n';
    for (const auto& [name, value] : frame.headers) {
        cursor = put_header(cursor, name, rules);
        *cursor++ = ':';
        cursor = put_header(cursor, value, rules);
        *cursor++ = '\n';
    }
    *cursor++ = '\n';
    cursor = put(cursor, frame.body);
    *cursor = '\0';
    return size;
}

result<std::vector<std::byte>> stomp_codec::encode(const stomp_frame& frame, stomp_version version) {
    std::vector<std::byte> out;
    auto size = encode_into(frame, version, out);
    if (!size) return size.error();
    return out;
}

} // namespace gantry::protocols::stomp
