#include "gantry/store/unique_key.hpp"

#include <unistd.h>

namespace gantry::store {

namespace {

void put_hex(std::string& out, std::uint64_t value, int bytes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    for (int i = bytes - 1; i >= 0; --i) {
        const auto b = static_cast<std::uint8_t>(value >> (8 * i));
        out += digits[b >> 4];
        out += digits[b & 0xF];
    }
}

} // namespace

unique_key_generator::unique_key_generator(const socket_address& host) {
    const std::size_t first = host.address_size() - 4;
    for (std::size_t i = first; i < first + 4; ++i) put_hex(prefix_, host.bytes[i], 1);
    put_hex(prefix_, static_cast<std::uint16_t>(::getpid()), 2);
}

std::string unique_key_generator::next(std::int64_t now_ms) {
    std::string key = prefix_;
    key.reserve(32);
    put_hex(key, static_cast<std::uint64_t>(now_ms), 6);
    put_hex(key, counter_++, 4);
    return key;
}

} // namespace gantry::store
