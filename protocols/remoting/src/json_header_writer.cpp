#include <string>

#include "json_header.hpp"

namespace gantry::protocols::remoting::detail {

namespace {

void put(std::vector<std::byte>& out, std::string_view text) {
    const auto* p = reinterpret_cast<const std::byte*>(text.data());
    out.insert(out.end(), p, p + text.size());
}

void put_number(std::vector<std::byte>& out, std::int32_t value) { put(out, std::to_string(value)); }

// fastjson's escaping: short forms where JSON has them, \u00XX (upper-case
// hex) for the other C0 controls and DEL, non-ASCII raw. U+0001/U+0002 (the
// property separators) therefore travel as \u0001/\u0002.
void put_string(std::vector<std::byte>& out, std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    out.push_back(std::byte{'"'});
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const char* escape = nullptr;
        switch (c) {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default: break;
        }
        if (escape == nullptr && c >= 0x20 && c != 0x7F) continue;
        put(out, text.substr(run, i - run));
        run = i + 1;
        if (escape != nullptr) {
            put(out, escape);
        } else {
            const char unicode[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
            put(out, std::string_view(unicode, sizeof unicode));
        }
    }
    put(out, text.substr(run));
    out.push_back(std::byte{'"'});
}

} // namespace

void write_json_header(const remoting_command& command, std::vector<std::byte>& out) {
    put(out, "{\"code\":");
    put_number(out, command.code);
    if (!command.ext_fields.empty()) {
        put(out, ",\"extFields\":{");
        bool first = true;
        for (const auto& [key, value] : command.ext_fields) {
            if (!first) out.push_back(std::byte{','});
            first = false;
            put_string(out, key);
            out.push_back(std::byte{':'});
            put_string(out, value);
        }
        out.push_back(std::byte{'}'});
    }
    put(out, ",\"flag\":");
    put_number(out, command.flag);
    put(out, ",\"language\":");
    put_string(out, command.language);
    put(out, ",\"opaque\":");
    put_number(out, command.opaque);
    if (command.remark) {
        put(out, ",\"remark\":");
        put_string(out, *command.remark);
    }
    put(out, ",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":");
    put_number(out, command.version);
    out.push_back(std::byte{'}'});
}

} // namespace gantry::protocols::remoting::detail
