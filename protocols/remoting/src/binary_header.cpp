#include "binary_header.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include "gantry/engine/byte_order.hpp"
#include "utf8_text.hpp"

namespace gantry::protocols::remoting::detail {

namespace {

std::string text_of(std::span<const std::byte> bytes) {
    return to_valid_utf8(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

remoting_diagnostic malformed(std::string reason) {
    return {remoting_errc::malformed_binary_header, std::move(reason)};
}

std::optional<remoting_diagnostic> read_ext_block(std::span<const std::byte> block, ext_field_map& out) {
    std::size_t pos = 0;
    while (pos < block.size()) {
        if (block.size() - pos < 2) return malformed("ROCKETMQ ext block ends inside a key length");
        const std::int16_t key_length = load_be<std::int16_t>(block.data() + pos);
        pos += 2;
        if (key_length < 0) return malformed("ROCKETMQ ext key length " + std::to_string(key_length) + " is negative");
        if (block.size() - pos < static_cast<std::size_t>(key_length) + 4) {
            return malformed("ROCKETMQ ext key of " + std::to_string(key_length) + " bytes overruns the ext block");
        }
        auto key = text_of(block.subspan(pos, static_cast<std::size_t>(key_length)));
        pos += static_cast<std::size_t>(key_length);
        const std::int32_t value_length = load_be<std::int32_t>(block.data() + pos);
        pos += 4;
        if (value_length < 0 || block.size() - pos < static_cast<std::size_t>(value_length)) {
            return malformed("ROCKETMQ ext value length " + std::to_string(value_length) + " of key " +
                             quoted_for_log(key) + " does not fit the ext block");
        }
        auto value = text_of(block.subspan(pos, static_cast<std::size_t>(value_length)));
        pos += static_cast<std::size_t>(value_length);
        out.insert_or_assign(std::move(key), std::move(value));
    }
    return std::nullopt;
}

bool fits_i16(std::int32_t v) noexcept {
    return v >= std::numeric_limits<std::int16_t>::min() && v <= std::numeric_limits<std::int16_t>::max();
}

} // namespace

std::optional<remoting_diagnostic> read_binary_header(std::span<const std::byte> header, remoting_command& out) {
    if (header.size() < binary_fixed_size) {
        return malformed("ROCKETMQ header of " + std::to_string(header.size()) + " bytes is shorter than its " +
                         std::to_string(binary_fixed_size) + "-byte fixed part");
    }
    const std::byte* p = header.data();
    out.code = load_be<std::int16_t>(p);
    const auto language = static_cast<std::uint8_t>(p[2]);
    // Java would hold a null LanguageCode; OTHER is the closest name.
    out.language = std::string(language_name(language_from_byte(language).value_or(language_code::other)));
    out.version = load_be<std::int16_t>(p + 3);
    out.opaque = load_be<std::int32_t>(p + 5);
    out.flag = load_be<std::int32_t>(p + 9);
    const std::int32_t remark_length = load_be<std::int32_t>(p + 13);
    std::size_t pos = 17;
    // Of the fixed part, only the ext length word follows the remark.
    const std::size_t room_for_remark = header.size() - binary_fixed_size;
    if (remark_length < 0 || static_cast<std::size_t>(remark_length) > room_for_remark) {
        return malformed("ROCKETMQ remark length " + std::to_string(remark_length) + " does not fit the " +
                         std::to_string(header.size()) + "-byte header");
    }
    if (remark_length > 0) {
        out.remark = text_of(header.subspan(pos, static_cast<std::size_t>(remark_length)));
    } else {
        out.remark.reset();  // length 0 means null in Java
    }
    pos += static_cast<std::size_t>(remark_length);
    const std::int32_t ext_length = load_be<std::int32_t>(p + pos);
    pos += 4;
    if (ext_length < 0 || static_cast<std::size_t>(ext_length) > header.size() - pos) {
        return malformed("ROCKETMQ ext block length " + std::to_string(ext_length) + " does not fit the " +
                         std::to_string(header.size()) + "-byte header");
    }
    // Bytes after the ext block are ignored, as Java's decoder does.
    return read_ext_block(header.subspan(pos, static_cast<std::size_t>(ext_length)), out.ext_fields);
}

std::error_code write_binary_header(const remoting_command& command, std::vector<std::byte>& out) {
    if (!fits_i16(command.code) || !fits_i16(command.version)) return remoting_errc::field_out_of_range;
    const auto as_bytes = [](std::string_view text) {
        return std::span(reinterpret_cast<const std::byte*>(text.data()), text.size());
    };
    std::size_t ext_length = 0;
    for (const auto& [key, value] : command.ext_fields) {
        if (key.size() > static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max())) {
            return remoting_errc::field_out_of_range;
        }
        ext_length += 2 + key.size() + 4 + value.size();
    }
    const std::size_t remark_length = command.remark ? command.remark->size() : 0;
    constexpr auto i32_max = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
    if (ext_length > i32_max || remark_length > i32_max) return remoting_errc::field_out_of_range;

    append_be<std::int16_t>(out, static_cast<std::int16_t>(command.code));
    // Names Gantry does not know have no byte; Java would fail on its null.
    const auto language = command.known_language().value_or(language_code::other);
    out.push_back(static_cast<std::byte>(language));
    append_be<std::int16_t>(out, static_cast<std::int16_t>(command.version));
    append_be<std::int32_t>(out, command.opaque);
    append_be<std::int32_t>(out, command.flag);
    append_be<std::int32_t>(out, static_cast<std::int32_t>(remark_length));
    if (command.remark) {
        const auto bytes = as_bytes(*command.remark);
        out.insert(out.end(), bytes.begin(), bytes.end());
    }
    append_be<std::int32_t>(out, static_cast<std::int32_t>(ext_length));
    for (const auto& [key, value] : command.ext_fields) {
        append_be<std::int16_t>(out, static_cast<std::int16_t>(key.size()));
        const auto key_bytes = as_bytes(key);
        out.insert(out.end(), key_bytes.begin(), key_bytes.end());
        append_be<std::int32_t>(out, static_cast<std::int32_t>(value.size()));
        const auto value_bytes = as_bytes(value);
        out.insert(out.end(), value_bytes.begin(), value_bytes.end());
    }
    return {};
}

} // namespace gantry::protocols::remoting::detail
