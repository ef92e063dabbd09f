#include "gantry/protocols/mqtt/reason_code.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace gantry::protocols::mqtt {

namespace {

bool one_of(reason_code code, std::initializer_list<std::uint8_t> allowed) noexcept {
    return std::find(allowed.begin(), allowed.end(), static_cast<std::uint8_t>(code)) != allowed.end();
}

} // namespace

bool reason_code_allowed(packet_type type, reason_code code) noexcept {
    switch (type) {
    case packet_type::connack:
        return one_of(code, {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C,
                             0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F});
    case packet_type::puback:
    case packet_type::pubrec:
        return one_of(code, {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99});
    case packet_type::pubrel:
    case packet_type::pubcomp: return one_of(code, {0x00, 0x92});
    case packet_type::suback:
        return one_of(code, {0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2});
    case packet_type::unsuback: return one_of(code, {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91});
    case packet_type::disconnect:
        return one_of(code, {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90,
                             0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F,
                             0xA0, 0xA1, 0xA2});
    case packet_type::auth: return one_of(code, {0x00, 0x18, 0x19});
    case packet_type::connect:
    case packet_type::publish:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
    case packet_type::pingreq:
    case packet_type::pingresp: return false;
    }
    return false;
}

std::optional<std::uint8_t> to_v3_connack_code(reason_code code) noexcept {
    switch (code) {
    case reason_code::success: return 0;
    case reason_code::unsupported_protocol_version: return 1;
    case reason_code::client_identifier_not_valid: return 2;
    case reason_code::server_unavailable:
    case reason_code::server_busy: return 3;
    case reason_code::bad_user_name_or_password: return 4;
    case reason_code::not_authorized:
    case reason_code::banned: return 5;
    default: return std::nullopt;
    }
}

std::optional<reason_code> from_v3_connack_code(std::uint8_t code) noexcept {
    static constexpr std::array<reason_code, 6> codes = {
        reason_code::success,
        reason_code::unsupported_protocol_version,
        reason_code::client_identifier_not_valid,
        reason_code::server_unavailable,
        reason_code::bad_user_name_or_password,
        reason_code::not_authorized,
    };
    if (code >= codes.size()) return std::nullopt;
    return codes[code];
}

} // namespace gantry::protocols::mqtt
