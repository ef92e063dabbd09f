#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace gantry::store {

// A host as stored in a record: 4 or 16 address bytes plus a port.
struct socket_address {
    std::array<std::uint8_t, 16> bytes{};
    bool is_v6 = false;
    std::int32_t port = 0;

    static socket_address ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                               std::int32_t port) {
        socket_address s;
        s.bytes = {a, b, c, d};
        s.port = port;
        return s;
    }
    std::size_t address_size() const { return is_v6 ? 16 : 4; }
    // Bytes this host occupies in a record: address and i32 port.
    std::size_t encoded_size() const { return address_size() + 4; }
    std::string to_string() const;

    friend bool operator==(const socket_address&, const socket_address&) = default;
};

} // namespace gantry::store
