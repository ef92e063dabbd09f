// encode_message: the engine message as AMQP sections, the reverse of
// decode_message (amqp_mapping.cpp), restoring the AMQP types it recorded.
#include "gantry/protocols/amqp/amqp_mapping.hpp"

#include <proton/codec.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_set>

#include "gantry/protocols/naming/topic_names.hpp"
#include "proton_data.hpp"

namespace gantry::protocols::amqp {

namespace {


constexpr std::uint64_t header_code = 0x70;
constexpr std::uint64_t message_annotations_code = 0x72;
constexpr std::uint64_t properties_code = 0x73;
constexpr std::uint64_t application_properties_code = 0x74;
constexpr std::uint64_t data_code = 0x75;
constexpr std::uint64_t amqp_sequence_code = 0x76;
constexpr std::uint64_t amqp_value_code = 0x77;

pn_bytes_t bytes_of(std::string_view text) { return pn_bytes(text.size(), text.data()); }

// Opens a described section; the caller puts its value and calls pn_data_exit.
void begin_section(pn_data_t* data, std::uint64_t code) {
    pn_data_put_described(data);
    pn_data_enter(data);
    pn_data_put_ulong(data, code);
}

const std::string* find_property(const engine::message& msg, std::string_view name) {
    const auto found = std::find_if(msg.properties.begin(), msg.properties.end(),
                                    [&](const auto& property) { return property.first == name; });
    return found == msg.properties.end() ? nullptr : &found->second;
}

std::string_view property_or_empty(const engine::message& msg, std::string_view name) {
    const auto* value = find_property(msg, name);
    return value ? std::string_view(*value) : std::string_view{};
}

// The AMQP type decode recorded for properties[i]: the entry right after it.
std::string_view recorded_type(const engine::message& msg, std::size_t i) {
    if (i + 1 >= msg.properties.size()) return {};
    const auto& name = msg.properties[i].first;
    const auto& [type_name, type] = msg.properties[i + 1];
    const bool describes = type_name.size() == type_prefix.size() + name.size() && type_name.starts_with(type_prefix) &&
                           type_name.ends_with(name);
    return describes ? std::string_view(type) : std::string_view{};
}

template <typename T>
std::optional<T> number(std::string_view text) {
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::optional<std::string> from_hex(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    std::string bytes;
    bytes.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        std::uint8_t byte = 0;
        const auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + 2, byte, 16);
        if (ec != std::errc{} || end != text.data() + i + 2) return std::nullopt;
        bytes += static_cast<char>(byte);
    }
    return bytes;
}

std::optional<pn_uuid_t> uuid_from(std::string_view text) {
    if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')
        return std::nullopt;
    std::string digits(text);
    std::erase(digits, '-');
    const auto bytes = from_hex(digits);
    if (!bytes || bytes->size() != 16) return std::nullopt;
    pn_uuid_t uuid{};
    std::copy(bytes->begin(), bytes->end(), uuid.bytes);
    return uuid;
}

// The one code point `text` is in UTF-8, as decode wrote a char.
std::optional<std::uint32_t> code_point(std::string_view text) {
    if (text.empty()) return std::nullopt;
    const auto lead = static_cast<unsigned char>(text[0]);
    const std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (length == 0 || text.size() != length) return std::nullopt;
    std::uint32_t c = length == 1 ? lead : lead & (0x3F >> (length - 1));
    for (std::size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[i]);
        if ((next & 0xC0) != 0x80) return std::nullopt;
        c = (c << 6) | (next & 0x3F);
    }
    return c;
}

// An encoded value (decode's "encoded" type) put back at the cursor.
bool put_encoded(pn_data_t* data, std::string_view text) {
    const auto bytes = from_hex(text);
    if (!bytes || bytes->empty()) return false;
    proton_data value(pn_data(16));
    const auto used = pn_data_decode(value.get(), bytes->data(), bytes->size());
    if (used != static_cast<ssize_t>(bytes->size())) return false;
    return pn_data_append(data, value.get()) == 0;
}

template <typename T, typename Put>
bool put_number(std::string_view text, Put put) {
    const auto value = number<T>(text);
    if (value) put(*value);
    return value.has_value();
}

// `text` as the AMQP type decode recorded; false when it does not parse as
// that type (a property another protocol changed).
bool put_as(pn_data_t* d, std::string_view text, std::string_view type) {
    if (type == "null") return pn_data_put_null(d) == 0;
    if (type == "bool") {
        if (text != "true" && text != "false") return false;
        return pn_data_put_bool(d, text == "true") == 0;
    }
    if (type == "ubyte") return put_number<std::uint8_t>(text, [d](auto v) { pn_data_put_ubyte(d, v); });
    if (type == "ushort") return put_number<std::uint16_t>(text, [d](auto v) { pn_data_put_ushort(d, v); });
    if (type == "uint") return put_number<std::uint32_t>(text, [d](auto v) { pn_data_put_uint(d, v); });
    if (type == "ulong") return put_number<std::uint64_t>(text, [d](auto v) { pn_data_put_ulong(d, v); });
    if (type == "byte") return put_number<std::int8_t>(text, [d](auto v) { pn_data_put_byte(d, v); });
    if (type == "short") return put_number<std::int16_t>(text, [d](auto v) { pn_data_put_short(d, v); });
    if (type == "int") return put_number<std::int32_t>(text, [d](auto v) { pn_data_put_int(d, v); });
    if (type == "long") return put_number<std::int64_t>(text, [d](auto v) { pn_data_put_long(d, v); });
    if (type == "timestamp") return put_number<std::int64_t>(text, [d](auto v) { pn_data_put_timestamp(d, v); });
    if (type == "float") return put_number<float>(text, [d](auto v) { pn_data_put_float(d, v); });
    if (type == "double") return put_number<double>(text, [d](auto v) { pn_data_put_double(d, v); });
    if (type == "symbol") return pn_data_put_symbol(d, bytes_of(text)) == 0;
    if (type == "char") {
        const auto c = code_point(text);
        return c && pn_data_put_char(d, *c) == 0;
    }
    if (type == "uuid") {
        const auto uuid = uuid_from(text);
        return uuid && pn_data_put_uuid(d, *uuid) == 0;
    }
    if (type == "binary") {
        const auto bytes = from_hex(text);
        return bytes && pn_data_put_binary(d, bytes_of(*bytes)) == 0;
    }
    if (type == "encoded") return put_encoded(d, text);
    return false;
}

void put_value(pn_data_t* data, std::string_view text, std::string_view type) {
    if (type.empty() || !put_as(data, text, type)) pn_data_put_string(data, bytes_of(text));
}

// message-id and correlation-id with the type decode recorded.
void put_id(pn_data_t* data, std::string_view id, std::string_view type) {
    if (type == "ulong" || type == "uuid") {
        if (put_as(data, id, type)) return;
    } else if (type == "binary") {
        pn_data_put_binary(data, bytes_of(id));
        return;
    } else if (type == "binary-hex") {
        if (const auto bytes = from_hex(id)) {
            pn_data_put_binary(data, bytes_of(*bytes));
            return;
        }
    }
    pn_data_put_string(data, bytes_of(id));
}

void put_header(pn_data_t* d, const engine::message& msg, std::uint32_t delivery_count, std::int64_t now_ms) {
    // Always written: the engine's default durability is the opposite of AMQP's.
    const int fields = delivery_count > 0 ? 5 : msg.expires_at_ms > 0 ? 3 : msg.priority >= 0 ? 2 : 1;
    begin_section(d, header_code);
    pn_data_put_list(d);
    pn_data_enter(d);
    pn_data_put_bool(d, msg.durable);
    if (fields > 1) {
        if (msg.priority >= 0)
            pn_data_put_ubyte(d, static_cast<std::uint8_t>(std::min(msg.priority, 9)));
        else
            pn_data_put_null(d);
    }
    if (fields > 2) {
        if (msg.expires_at_ms > 0) {
            const auto ttl = std::clamp<std::int64_t>(msg.expires_at_ms - now_ms, 1,
                                                      std::numeric_limits<std::uint32_t>::max());
            pn_data_put_uint(d, static_cast<std::uint32_t>(ttl));
        } else {
            pn_data_put_null(d);
        }
    }
    if (fields > 3) {
        pn_data_put_null(d); // first-acquirer
        pn_data_put_uint(d, delivery_count);
    }
    pn_data_exit(d);
    pn_data_exit(d);
}

void put_message_annotations(pn_data_t* d, const engine::message& msg) {
    std::unordered_set<std::string_view> written;
    const auto put_key = [&](std::string_view key) {
        if (written.empty()) {
            begin_section(d, message_annotations_code);
            pn_data_put_map(d);
            pn_data_enter(d);
        }
        written.insert(key);
        pn_data_put_symbol(d, bytes_of(key));
    };
    if (msg.deliver_at_ms > 0) {
        put_key("x-opt-delivery-time");
        pn_data_put_timestamp(d, msg.deliver_at_ms);
    }
    for (std::size_t i = 0; i < msg.properties.size(); ++i) {
        const auto& [name, value] = msg.properties[i];
        if (!name.starts_with(annotation_prefix)) continue;
        const auto key = std::string_view(name).substr(annotation_prefix.size());
        if (key.empty() || written.contains(key)) continue;
        put_key(key);
        put_value(d, value, recorded_type(msg, i));
    }
    if (written.empty()) return;
    pn_data_exit(d);
    pn_data_exit(d);
}

std::optional<std::uint32_t> group_sequence(const engine::message& msg) {
    const auto* sequence = find_property(msg, group_sequence_property);
    return sequence ? number<std::uint32_t>(*sequence) : std::nullopt;
}

void put_properties(pn_data_t* d, const engine::message& msg) {
    const auto* user_id = find_property(msg, user_id_property);
    const auto* to = find_property(msg, to_property);
    // JMSType travels as subject, as Qpid JMS sends it, when the message has no AMQP subject.
    const auto* subject = find_property(msg, subject_property);
    if (!subject && !msg.type.empty()) subject = &msg.type;
    const auto* content_encoding = find_property(msg, content_encoding_property);
    const auto* group_id = find_property(msg, group_id_property);
    const auto sequence = group_sequence(msg);
    const auto* reply_to_group_id = find_property(msg, reply_to_group_id_property);
    const std::array<bool, 13> present{!msg.message_id.empty(),     user_id != nullptr,
                                       to != nullptr,               subject != nullptr,
                                       !msg.reply_to.empty(),       !msg.correlation_id.empty(),
                                       !msg.content_type.empty(),   content_encoding != nullptr,
                                       msg.expires_at_ms > 0,       msg.born_time_ms > 0,
                                       group_id != nullptr,         sequence.has_value(),
                                       reply_to_group_id != nullptr};
    const auto last = std::find(present.rbegin(), present.rend(), true);
    if (last == present.rend()) return;
    const auto fields = static_cast<std::size_t>(present.rend() - last);

    begin_section(d, properties_code);
    pn_data_put_list(d);
    pn_data_enter(d);
    for (std::size_t field = 0; field < fields; ++field) {
        if (!present[field]) {
            pn_data_put_null(d);
            continue;
        }
        switch (field) {
        case 0: put_id(d, msg.message_id, property_or_empty(msg, message_id_type_property)); break;
        case 1:
            if (property_or_empty(msg, user_id_type_property) == "binary-hex")
                put_as(d, *user_id, "binary");
            else
                pn_data_put_binary(d, bytes_of(*user_id));
            break;
        case 2: pn_data_put_string(d, bytes_of(*to)); break;
        case 3: pn_data_put_string(d, bytes_of(*subject)); break;
        case 4: pn_data_put_string(d, bytes_of(msg.reply_to)); break;
        case 5: put_id(d, msg.correlation_id, property_or_empty(msg, correlation_id_type_property)); break;
        case 6: pn_data_put_symbol(d, bytes_of(msg.content_type)); break;
        case 7: pn_data_put_symbol(d, bytes_of(*content_encoding)); break;
        case 8: pn_data_put_timestamp(d, msg.expires_at_ms); break;
        case 9: pn_data_put_timestamp(d, msg.born_time_ms); break;
        case 10: pn_data_put_string(d, bytes_of(*group_id)); break;
        case 11: pn_data_put_uint(d, *sequence); break;
        case 12: pn_data_put_string(d, bytes_of(*reply_to_group_id)); break;
        default: break;
        }
    }
    pn_data_exit(d);
    pn_data_exit(d);
}

void put_application_properties(pn_data_t* d, const engine::message& msg) {
    const bool sequence_taken = group_sequence(msg).has_value();
    std::unordered_set<std::string_view> written;
    for (std::size_t i = 0; i < msg.properties.size(); ++i) {
        const auto& [name, value] = msg.properties[i];
        if (is_mapping_property(name) || name == group_id_property || name == protocols::naming::bridge_hop_property) continue;
        if (name == group_sequence_property && sequence_taken) continue;
        // AMQP map keys are unique: the first of a repeated name wins.
        if (!written.insert(name).second) continue;
        if (written.size() == 1) {
            begin_section(d, application_properties_code);
            pn_data_put_map(d);
            pn_data_enter(d);
        }
        pn_data_put_string(d, bytes_of(name));
        put_value(d, value, recorded_type(msg, i));
    }
    if (written.empty()) return;
    pn_data_exit(d);
    pn_data_exit(d);
}

// Whether a body decode kept as "encoded" still is amqp-value or
// amqp-sequence sections; anything else leaves as a data section.
bool is_encoded_body(std::string_view body) {
    proton_data data(pn_data(16));
    while (!body.empty()) {
        pn_data_clear(data.get());
        const auto used = pn_data_decode(data.get(), body.data(), body.size());
        if (used <= 0) return false;
        body.remove_prefix(static_cast<std::size_t>(used));
        pn_data_rewind(data.get());
        if (!pn_data_next(data.get()) || pn_data_type(data.get()) != PN_DESCRIBED) return false;
        pn_data_enter(data.get());
        pn_data_next(data.get());
        const auto type = pn_data_type(data.get());
        const auto code = type == PN_ULONG ? pn_data_get_ulong(data.get()) : 0;
        const auto symbol = type == PN_SYMBOL ? view_of(pn_data_get_symbol(data.get())) : std::string_view{};
        const bool body_section = code == amqp_sequence_code || code == amqp_value_code ||
                                  symbol == "amqp:amqp-sequence:list" || symbol == "amqp:amqp-value:*";
        if (!body_section) return false;
    }
    return true;
}

// Puts the body section unless the body is already encoded sections, which
// the caller appends as they are: returns whether it must.
bool put_body(pn_data_t* d, const engine::message& msg) {
    const auto kind = property_or_empty(msg, body_property);
    if (kind == "none") return false;
    if (kind == "encoded" && is_encoded_body(msg.body)) return true;
    const bool value = kind == "value-string" || kind == "value-binary" || kind == "value-null";
    begin_section(d, value ? amqp_value_code : data_code);
    if (kind == "value-string")
        pn_data_put_string(d, bytes_of(msg.body));
    else if (kind == "value-null")
        pn_data_put_null(d);
    else
        pn_data_put_binary(d, bytes_of(msg.body));
    pn_data_exit(d);
    return false;
}

} // namespace

void encode_message(const engine::message& msg, std::uint32_t delivery_count, std::int64_t now_ms, std::string& out) {
    proton_data data(pn_data(32));
    pn_data_t* d = data.get();
    put_header(d, msg, delivery_count, now_ms);
    put_message_annotations(d, msg);
    put_properties(d, msg);
    put_application_properties(d, msg);
    const bool encoded_body = put_body(d, msg);

    const auto size = pn_data_encoded_size(d);
    const auto at = out.size();
    out.resize(at + static_cast<std::size_t>(std::max<ssize_t>(size, 0)));
    const auto written = pn_data_encode(d, out.data() + at, out.size() - at);
    out.resize(at + static_cast<std::size_t>(std::max<ssize_t>(written, 0)));
    if (encoded_body) out += msg.body;
}

} // namespace gantry::protocols::amqp
