#include "gantry/protocols/amqp/amqp_mapping.hpp"

#include <proton/codec.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>

#include "proton_data.hpp"

namespace gantry::protocols::amqp {

namespace {

class mapping_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.amqp.mapping"; }
    std::string message(int value) const override {
        switch (static_cast<mapping_errc>(value)) {
        case mapping_errc::malformed:
            return "the transfer does not hold a sequence of AMQP message sections (AMQP 1.0 part 3.2)";
        case mapping_errc::unknown_section:
            return "a described type is no message section, or the sections are out of order (header, "
                   "delivery-annotations, message-annotations, properties, application-properties, body, footer)";
        case mapping_errc::invalid_property:
            return "a property cannot be stored: its name or value holds a byte 0x00-0x02, or its name starts "
                   "with amqp. and is reserved by the broker";
        }
        return "unknown AMQP mapping error";
    }
};


enum class section {
    header,
    delivery_annotations,
    message_annotations,
    properties,
    application_properties,
    data,
    amqp_sequence,
    amqp_value,
    footer,
};

constexpr std::uint64_t first_section_code = 0x70;
constexpr std::array<std::string_view, 9> section_symbols{
    "amqp:header:list",        "amqp:delivery-annotations:map",   "amqp:message-annotations:map",
    "amqp:properties:list",    "amqp:application-properties:map", "amqp:data:binary",
    "amqp:amqp-sequence:list", "amqp:amqp-value:*",               "amqp:footer:map"};

// Sections come in this order; only body sections of one kind repeat.
int rank_of(section s) {
    switch (s) {
    case section::data:
    case section::amqp_sequence:
    case section::amqp_value: return static_cast<int>(section::data);
    case section::footer: return static_cast<int>(section::data) + 1;
    default: return static_cast<int>(s);
    }
}

// The section a descriptor names, in its numeric or its symbolic form.
std::optional<section> section_of(pn_data_t* data) {
    if (pn_data_type(data) == PN_ULONG) {
        const auto code = pn_data_get_ulong(data);
        if (code < first_section_code || code - first_section_code >= section_symbols.size()) return std::nullopt;
        return static_cast<section>(code - first_section_code);
    }
    if (pn_data_type(data) == PN_SYMBOL) {
        const auto symbol = view_of(pn_data_get_symbol(data));
        const auto found = std::find(section_symbols.begin(), section_symbols.end(), symbol);
        if (found == section_symbols.end()) return std::nullopt;
        return static_cast<section>(found - section_symbols.begin());
    }
    return std::nullopt;
}

// The record format separates properties with these bytes.
bool storable(std::string_view text) {
    return std::none_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x02; });
}

std::string hex(std::string_view bytes) {
    std::string text;
    text.reserve(bytes.size() * 2);
    for (const char c : bytes) fmt::format_to(std::back_inserter(text), "{:02x}", static_cast<unsigned char>(c));
    return text;
}

std::string uuid_text(const pn_uuid_t& uuid) {
    const auto b = [&](int i) { return static_cast<unsigned char>(uuid.bytes[i]); };
    return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
                       "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                       b(0), b(1), b(2), b(3), b(4), b(5), b(6), b(7), b(8), b(9), b(10), b(11), b(12), b(13),
                       b(14), b(15));
}

template <typename T>
std::string shortest_text(T value) {
    std::array<char, 64> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), ec == std::errc{} ? end : buffer.data());
}

std::optional<std::string> utf8_of(std::uint32_t c) {
    if (c <= 0x02 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
    std::string text;
    const auto put = [&](std::uint32_t v) { text += static_cast<char>(v); };
    if (c < 0x80) {
        put(c);
    } else if (c < 0x800) {
        put(0xC0 | (c >> 6)), put(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        put(0xE0 | (c >> 12)), put(0x80 | ((c >> 6) & 0x3F)), put(0x80 | (c & 0x3F));
    } else {
        put(0xF0 | (c >> 18)), put(0x80 | ((c >> 12) & 0x3F)), put(0x80 | ((c >> 6) & 0x3F)), put(0x80 | (c & 0x3F));
    }
    return text;
}

// Any AMQP integer or timestamp; a ulong past the long range saturates.
std::optional<std::int64_t> integer_of(pn_data_t* data) {
    switch (pn_data_type(data)) {
    case PN_UBYTE: return pn_data_get_ubyte(data);
    case PN_USHORT: return pn_data_get_ushort(data);
    case PN_UINT: return pn_data_get_uint(data);
    case PN_ULONG:
        return static_cast<std::int64_t>(
            std::min<std::uint64_t>(pn_data_get_ulong(data), std::numeric_limits<std::int64_t>::max()));
    case PN_BYTE: return pn_data_get_byte(data);
    case PN_SHORT: return pn_data_get_short(data);
    case PN_INT: return pn_data_get_int(data);
    case PN_LONG: return pn_data_get_long(data);
    case PN_TIMESTAMP: return pn_data_get_timestamp(data);
    default: return std::nullopt;
    }
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? std::numeric_limits<std::int64_t>::max() : 0;
    return sum;
}

// The value at the cursor encoded on its own. It must have a previous sibling
// (a map value has its key): proton's narrow makes that sibling the start,
// and appendn copies from the node after it.
std::optional<std::string> encoded_value(pn_data_t* data) {
    proton_data copy(pn_data(16));
    pn_data_prev(data);
    pn_data_narrow(data);
    const int copied = pn_data_appendn(copy.get(), data, 1);
    pn_data_widen(data);
    pn_data_next(data);
    const auto size = pn_data_encoded_size(copy.get());
    if (copied != 0 || size <= 0) return std::nullopt;
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (pn_data_encode(copy.get(), bytes.data(), bytes.size()) != size) return std::nullopt;
    return bytes;
}

struct typed_text {
    std::string text;
    std::string_view type; // empty for an AMQP string, the type the engine assumes
};

// The text form of the map value at the cursor and the AMQP type it had;
// nullopt when the engine cannot store it.
std::optional<typed_text> text_of_value(pn_data_t* data) {
    switch (pn_data_type(data)) {
    case PN_NULL: return typed_text{"", "null"};
    case PN_BOOL: return typed_text{pn_data_get_bool(data) ? "true" : "false", "bool"};
    case PN_UBYTE: return typed_text{std::to_string(pn_data_get_ubyte(data)), "ubyte"};
    case PN_USHORT: return typed_text{std::to_string(pn_data_get_ushort(data)), "ushort"};
    case PN_UINT: return typed_text{std::to_string(pn_data_get_uint(data)), "uint"};
    case PN_ULONG: return typed_text{std::to_string(pn_data_get_ulong(data)), "ulong"};
    case PN_BYTE: return typed_text{std::to_string(pn_data_get_byte(data)), "byte"};
    case PN_SHORT: return typed_text{std::to_string(pn_data_get_short(data)), "short"};
    case PN_INT: return typed_text{std::to_string(pn_data_get_int(data)), "int"};
    case PN_LONG: return typed_text{std::to_string(pn_data_get_long(data)), "long"};
    case PN_FLOAT: return typed_text{shortest_text(pn_data_get_float(data)), "float"};
    case PN_DOUBLE: return typed_text{shortest_text(pn_data_get_double(data)), "double"};
    case PN_TIMESTAMP: return typed_text{std::to_string(pn_data_get_timestamp(data)), "timestamp"};
    case PN_UUID: return typed_text{uuid_text(pn_data_get_uuid(data)), "uuid"};
    case PN_BINARY: return typed_text{hex(view_of(pn_data_get_binary(data))), "binary"};
    case PN_CHAR: {
        auto text = utf8_of(pn_data_get_char(data));
        if (!text) return std::nullopt;
        return typed_text{std::move(*text), "char"};
    }
    case PN_STRING:
    case PN_SYMBOL: {
        const auto text = view_of(pn_data_get_bytes(data));
        if (!storable(text)) return std::nullopt;
        return typed_text{std::string(text), pn_data_type(data) == PN_SYMBOL ? "symbol" : ""};
    }
    default: {
        // Decimals and compound values: kept as their encoding, so they leave as they came.
        auto bytes = encoded_value(data);
        if (!bytes) return std::nullopt;
        return typed_text{hex(*bytes), "encoded"};
    }
    }
}

class message_decoder {
public:
    explicit message_decoder(std::int64_t now_ms) : now_ms_(now_ms), data_(pn_data(16)) {
        msg_.durable = false; // AMQP's default, unlike the engine's
    }

    result<engine::message> decode(std::span<const std::byte> encoded) {
        if (encoded.empty()) return mapping_errc::malformed;
        const auto* at = reinterpret_cast<const char*>(encoded.data());
        auto left = encoded.size();
        int last_rank = -1;
        std::optional<section> body;
        pn_data_t* d = data_.get();
        while (left > 0) {
            pn_data_clear(d);
            const auto used = pn_data_decode(d, at, left);
            if (used <= 0) return mapping_errc::malformed;
            const std::string_view bytes(at, static_cast<std::size_t>(used));
            at += used;
            left -= static_cast<std::size_t>(used);

            pn_data_rewind(d);
            if (!pn_data_next(d) || pn_data_type(d) != PN_DESCRIBED || !pn_data_enter(d) || !pn_data_next(d))
                return mapping_errc::malformed;
            const auto s = section_of(d);
            if (!s) return mapping_errc::unknown_section;
            if (!pn_data_next(d)) return mapping_errc::malformed;
            const int rank = rank_of(*s);
            const bool repeated_body = body == s && s != section::amqp_value;
            if (rank < last_rank || (rank == last_rank && !repeated_body)) return mapping_errc::unknown_section;
            last_rank = rank;
            if (rank == rank_of(section::data)) body = s;
            if (const auto ec = take(*s, bytes)) return ec;
        }
        if (!absolute_expiry_ && ttl_ms_ > 0) msg_.expires_at_ms = saturating_add(now_ms_, ttl_ms_);
        if (msg_.deliver_at_ms == 0 && delivery_delay_ms_ > 0)
            msg_.deliver_at_ms = saturating_add(now_ms_, delivery_delay_ms_);
        if (!body) body_kind_ = "none";
        if (!body_kind_.empty()) msg_.properties.emplace_back(body_property, body_kind_);
        return std::move(msg_);
    }

private:
    std::error_code take(section s, std::string_view bytes) {
        switch (s) {
        case section::header: return header();
        case section::message_annotations: return message_annotations();
        case section::properties: return properties();
        case section::application_properties: return application_properties();
        case section::data:
            if (pn_data_type(data_.get()) != PN_BINARY) return mapping_errc::malformed;
            msg_.body += view_of(pn_data_get_binary(data_.get()));
            return {};
        case section::amqp_sequence:
            if (pn_data_type(data_.get()) != PN_LIST) return mapping_errc::malformed;
            msg_.body += bytes;
            body_kind_ = "encoded";
            return {};
        case section::amqp_value: return amqp_value(bytes);
        case section::delivery_annotations: // hop-by-hop
        case section::footer: return {};
        }
        return mapping_errc::unknown_section;
    }

    std::error_code header() {
        pn_data_t* d = data_.get();
        if (pn_data_type(d) != PN_LIST) return mapping_errc::malformed;
        pn_data_enter(d);
        for (int field = 0; pn_data_next(d); ++field) {
            if (pn_data_type(d) == PN_NULL) continue;
            if (field == 0) {
                if (pn_data_type(d) != PN_BOOL) return mapping_errc::malformed;
                msg_.durable = pn_data_get_bool(d);
            } else if (field == 1 || field == 2) {
                const auto value = integer_of(d);
                if (!value) return mapping_errc::malformed;
                if (field == 1) msg_.priority = static_cast<int>(std::clamp<std::int64_t>(*value, 0, 9));
                if (field == 2) ttl_ms_ = *value;
            }
            // first-acquirer and delivery-count describe the previous hop only.
        }
        pn_data_exit(d);
        return {};
    }

    std::error_code message_annotations() {
        pn_data_t* d = data_.get();
        if (pn_data_type(d) != PN_MAP) return mapping_errc::malformed;
        pn_data_enter(d);
        std::unordered_set<std::string_view> seen;
        while (pn_data_next(d)) {
            const auto key_type = pn_data_type(d);
            const auto key = view_of(pn_data_get_symbol(d));
            if (!pn_data_next(d) || (key_type != PN_SYMBOL && key_type != PN_ULONG)) return mapping_errc::malformed;
            if (key_type == PN_ULONG) continue; // numeric keys are reserved for future AMQP use
            if (!seen.insert(key).second) return mapping_errc::malformed;
            const auto time = integer_of(d);
            if (key == "x-opt-delivery-time" && time) {
                if (*time > 0) msg_.deliver_at_ms = *time;
            } else if (key == "x-opt-delivery-delay" && time) {
                delivery_delay_ms_ = *time;
            } else if (const auto ec = add_value(std::string(annotation_prefix).append(key))) {
                return ec;
            }
        }
        pn_data_exit(d);
        return {};
    }

    std::error_code properties() {
        pn_data_t* d = data_.get();
        if (pn_data_type(d) != PN_LIST) return mapping_errc::malformed;
        pn_data_enter(d);
        for (int field = 0; pn_data_next(d); ++field) {
            if (pn_data_type(d) == PN_NULL) continue;
            std::error_code ec;
            switch (field) {
            case 0: ec = id_field(msg_.message_id, message_id_type_property); break;
            case 1: ec = user_id(); break;
            case 2: ec = text_property(to_property); break;
            case 3: ec = text_property(subject_property); break;
            case 4: ec = text_field(msg_.reply_to); break;
            case 5: ec = id_field(msg_.correlation_id, correlation_id_type_property); break;
            case 6: ec = text_field(msg_.content_type); break;
            case 7: ec = text_property(content_encoding_property); break;
            case 8: ec = time_field(msg_.expires_at_ms); absolute_expiry_ = msg_.expires_at_ms > 0; break;
            case 9: ec = time_field(msg_.born_time_ms); break;
            case 10: ec = text_property(group_id_property); break;
            case 11:
                if (pn_data_type(d) != PN_UINT) return mapping_errc::malformed;
                msg_.properties.emplace_back(group_sequence_property, std::to_string(pn_data_get_uint(d)));
                break;
            case 12: ec = text_property(reply_to_group_id_property); break;
            default: break;
            }
            if (ec) return ec;
        }
        pn_data_exit(d);
        return {};
    }

    std::error_code application_properties() {
        pn_data_t* d = data_.get();
        if (pn_data_type(d) != PN_MAP) return mapping_errc::malformed;
        pn_data_enter(d);
        std::unordered_set<std::string_view> seen;
        while (pn_data_next(d)) {
            const auto key_type = pn_data_type(d);
            const auto name = view_of(pn_data_get_bytes(d));
            if (!pn_data_next(d) || (key_type != PN_STRING && key_type != PN_SYMBOL)) return mapping_errc::malformed;
            if (!seen.insert(name).second) return mapping_errc::malformed; // AMQP map keys are distinct
            if (is_mapping_property(name)) return mapping_errc::invalid_property;
            if (const auto ec = add_value(std::string(name))) return ec;
        }
        pn_data_exit(d);
        return {};
    }

    std::error_code amqp_value(std::string_view bytes) {
        pn_data_t* d = data_.get();
        switch (pn_data_type(d)) {
        case PN_STRING:
            msg_.body = view_of(pn_data_get_string(d));
            body_kind_ = "value-string";
            break;
        case PN_BINARY:
            msg_.body = view_of(pn_data_get_binary(d));
            body_kind_ = "value-binary";
            break;
        case PN_NULL: body_kind_ = "value-null"; break;
        default:
            msg_.body = bytes;
            body_kind_ = "encoded";
            break;
        }
        return {};
    }

    // A property and, unless it is a string, the AMQP type to restore.
    std::error_code add_value(std::string name) {
        auto value = text_of_value(data_.get());
        if (!value || !storable(name)) return mapping_errc::invalid_property;
        msg_.properties.emplace_back(name, std::move(value->text));
        if (!value->type.empty()) msg_.properties.emplace_back(std::string(type_prefix) + name, value->type);
        return {};
    }

    // message-id and correlation-id: text for the engine, their type remembered.
    std::error_code id_field(std::string& target, std::string_view type_property) {
        pn_data_t* d = data_.get();
        std::string_view type;
        switch (pn_data_type(d)) {
        case PN_STRING: return text_field(target);
        case PN_ULONG:
            target = std::to_string(pn_data_get_ulong(d));
            type = "ulong";
            break;
        case PN_UUID:
            target = uuid_text(pn_data_get_uuid(d));
            type = "uuid";
            break;
        case PN_BINARY: {
            const auto bytes = view_of(pn_data_get_binary(d));
            const bool as_is = storable(bytes);
            target = as_is ? std::string(bytes) : hex(bytes);
            type = as_is ? "binary" : "binary-hex";
            break;
        }
        default: return mapping_errc::malformed;
        }
        // An empty id is no id: the engine assigns one, and no type is left to restore.
        if (!target.empty()) msg_.properties.emplace_back(type_property, type);
        return {};
    }

    std::error_code user_id() {
        pn_data_t* d = data_.get();
        if (pn_data_type(d) != PN_BINARY) return mapping_errc::malformed;
        const auto bytes = view_of(pn_data_get_binary(d));
        if (storable(bytes)) {
            msg_.properties.emplace_back(user_id_property, bytes);
        } else {
            msg_.properties.emplace_back(user_id_property, hex(bytes));
            msg_.properties.emplace_back(user_id_type_property, "binary-hex");
        }
        return {};
    }

    std::error_code text_field(std::string& target) {
        pn_data_t* d = data_.get();
        if (pn_data_type(d) != PN_STRING && pn_data_type(d) != PN_SYMBOL) return mapping_errc::malformed;
        const auto text = view_of(pn_data_get_bytes(d));
        if (!storable(text)) return mapping_errc::invalid_property;
        target = text;
        return {};
    }

    std::error_code text_property(std::string_view name) {
        std::string value;
        if (const auto ec = text_field(value)) return ec;
        msg_.properties.emplace_back(name, std::move(value));
        return {};
    }

    std::error_code time_field(std::int64_t& target) {
        const auto time = integer_of(data_.get());
        if (!time) return mapping_errc::malformed;
        target = std::max<std::int64_t>(*time, 0);
        return {};
    }

    std::int64_t now_ms_;
    proton_data data_;
    engine::message msg_;
    std::int64_t ttl_ms_ = 0;
    std::int64_t delivery_delay_ms_ = 0;
    bool absolute_expiry_ = false;
    std::string_view body_kind_; // empty: data sections, which need no marker
};

} // namespace

const std::error_category& mapping_category() noexcept {
    static const mapping_category_impl category;
    return category;
}

bool is_mapping_property(std::string_view name) noexcept {
    if (name.starts_with(annotation_prefix) || name.starts_with(type_prefix)) return true;
    constexpr std::array<std::string_view, 9> names{body_property,          message_id_type_property,
                                                    correlation_id_type_property, user_id_property,
                                                    user_id_type_property,  to_property,
                                                    subject_property,       content_encoding_property,
                                                    reply_to_group_id_property};
    return std::find(names.begin(), names.end(), name) != names.end();
}

result<engine::message> decode_message(std::span<const std::byte> encoded, std::int64_t now_ms) {
    return message_decoder(now_ms).decode(encoded);
}

} // namespace gantry::protocols::amqp
