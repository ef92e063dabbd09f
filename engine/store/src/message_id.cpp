#include "gantry/store/message_id.hpp"

namespace gantry::store {

namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";

void put_hex(std::string& out, std::uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
        const auto b = static_cast<std::uint8_t>(value >> (8 * i));
        out += hex_digits[b >> 4];
        out += hex_digits[b & 0xF];
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::optional<std::uint64_t> take_hex(std::string_view& s, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes * 2; ++i) {
        const int d = hex_value(s[static_cast<std::size_t>(i)]);
        if (d < 0) return std::nullopt;
        v = v << 4 | static_cast<std::uint64_t>(d);
    }
    s.remove_prefix(static_cast<std::size_t>(bytes) * 2);
    return v;
}

} // namespace

std::string offset_message_id(const socket_address& store_host, std::int64_t physical_offset) {
    std::string id;
    id.reserve(store_host.is_v6 ? 56 : 32);
    for (std::size_t i = 0; i < store_host.address_size(); ++i) put_hex(id, store_host.bytes[i], 1);
    put_hex(id, static_cast<std::uint32_t>(store_host.port), 4);
    put_hex(id, static_cast<std::uint64_t>(physical_offset), 8);
    return id;
}

std::optional<decoded_message_id> decode_offset_message_id(std::string_view id) {
    if (id.size() != 32 && id.size() != 56) return std::nullopt;
    decoded_message_id out;
    out.store_host.is_v6 = id.size() == 56;
    for (std::size_t i = 0; i < out.store_host.address_size(); ++i) {
        const auto b = take_hex(id, 1);
        if (!b) return std::nullopt;
        out.store_host.bytes[i] = static_cast<std::uint8_t>(*b);
    }
    const auto port = take_hex(id, 4);
    const auto offset = take_hex(id, 8);
    if (!port || !offset) return std::nullopt;
    out.store_host.port = static_cast<std::int32_t>(*port);
    out.physical_offset = static_cast<std::int64_t>(*offset);
    return out;
}

} // namespace gantry::store
