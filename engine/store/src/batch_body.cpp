#include "gantry/store/batch_body.hpp"

#include <algorithm>

#include "gantry/store/byte_order.hpp"
#include "gantry/store/message_record.hpp"

namespace gantry::store {

namespace {

constexpr std::size_t entry_fixed_bytes = 4 + 4 + 4 + 4 + 4 + 2;
constexpr std::size_t flag_position = 12;
constexpr std::size_t body_length_position = 16;

} // namespace

decoded_batch decode_batch_body(std::span<const std::byte> body) {
    decoded_batch out;
    std::size_t at = 0;
    auto fail = [&](std::string why) {
        out.error = "malformed batch entry " + std::to_string(out.entries.size()) + " at byte " +
                    std::to_string(at) + ": " + std::move(why);
        return std::move(out);
    };
    while (at < body.size()) {
        const auto left = body.size() - at;
        if (left < entry_fixed_bytes) return fail("shorter than an entry's fixed fields");
        const auto* p = body.data() + at;
        const auto total = load_be<std::int32_t>(p);
        if (total < static_cast<std::int32_t>(entry_fixed_bytes) || static_cast<std::size_t>(total) > left)
            return fail("totalSize " + std::to_string(total) + " outside the " + std::to_string(left) +
                        " bytes left");
        const auto body_length = load_be<std::int32_t>(p + body_length_position);
        const auto after_body = entry_fixed_bytes - 2 + static_cast<std::size_t>(std::max(body_length, 0));
        if (body_length < 0 || after_body + 2 > static_cast<std::size_t>(total))
            return fail("bodyLength " + std::to_string(body_length) + " past the entry's totalSize");
        const auto properties_length = load_be<std::int16_t>(p + after_body);
        if (properties_length < 0 ||
            after_body + 2 + static_cast<std::size_t>(properties_length) > static_cast<std::size_t>(total))
            return fail("propertiesLength " + std::to_string(properties_length) + " past the entry's totalSize");
        batch_entry e;
        e.flag = load_be<std::int32_t>(p + flag_position);
        e.body.assign(reinterpret_cast<const char*>(p + entry_fixed_bytes - 2), static_cast<std::size_t>(body_length));
        e.properties.assign(reinterpret_cast<const char*>(p + after_body + 2),
                            static_cast<std::size_t>(properties_length));
        out.entries.push_back(std::move(e));
        at += static_cast<std::size_t>(total);
    }
    if (out.entries.empty()) out.error = "the batch holds no messages";
    return out;
}

void append_batch_entry(std::vector<std::byte>& out, std::int32_t flag, std::string_view body,
                        std::string_view properties) {
    const auto body_bytes = as_bytes(body);
    const auto total = entry_fixed_bytes + body.size() + properties.size();
    gantry::append_be<std::int32_t>(out, static_cast<std::int32_t>(total));
    gantry::append_be<std::int32_t>(out, 0);
    gantry::append_be<std::int32_t>(out, body_crc32(body_bytes));
    gantry::append_be<std::int32_t>(out, flag);
    gantry::append_be<std::int32_t>(out, static_cast<std::int32_t>(body.size()));
    out.insert(out.end(), body_bytes.begin(), body_bytes.end());
    gantry::append_be<std::int16_t>(out, static_cast<std::int16_t>(properties.size()));
    const auto property_bytes = as_bytes(properties);
    out.insert(out.end(), property_bytes.begin(), property_bytes.end());
}

} // namespace gantry::store
