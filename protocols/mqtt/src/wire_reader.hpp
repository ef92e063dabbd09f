#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/mqtt/mqtt_error.hpp"
#include "gantry/protocols/mqtt/packet_type.hpp"
#include "gantry/protocols/mqtt/reason_code.hpp"

namespace gantry::protocols::mqtt::detail {

struct decode_failure {
    mqtt_errc code;
    reason_code reason;
    std::string message;
};

// Reads one packet's fields. The first failure sticks: later reads return
// zeros and empty values, so a packet decoder reads straight through and
// checks ok() where a value decides what comes next. Messages name the
// packet and field: "CONNECT client identifier runs past the end of the packet".
class wire_reader {
public:
    wire_reader(std::span<const std::byte> data, packet_type type, std::optional<decode_failure>& failure) noexcept
        : data_(data), type_(type), failure_(&failure) {}

    bool ok() const noexcept { return !failure_->has_value(); }
    bool at_end() const noexcept { return pos_ == data_.size(); }
    std::size_t remaining() const noexcept { return data_.size() - pos_; }
    packet_type type() const noexcept { return type_; }
    std::string_view packet_name() const noexcept { return packet_type_name(type_); }

    std::uint8_t u8(std::string_view what);
    std::uint16_t u16(std::string_view what);
    std::uint32_t u32(std::string_view what);
    std::uint32_t vbi(std::string_view what);
    std::string utf8(std::string_view what);
    std::vector<std::byte> binary(std::string_view what);
    std::string rest();
    // The next `size` bytes as their own reader (sharing the failure), whose
    // field names get `field_prefix` in messages ("property ").
    wire_reader sub(std::size_t size, std::string_view what, std::string_view field_prefix = {});

    // A packet identifier that must not be 0.
    std::uint16_t packet_id();
    // Fails with trailing_bytes unless every byte was read.
    void expect_end();

    // Records the failure unless one is already recorded; returns false.
    bool fail(mqtt_errc code, reason_code reason, std::string message);
    // fail() with "<PACKET> " in front of `message`.
    bool fail_packet(mqtt_errc code, reason_code reason, std::string_view message);

private:
    bool take(std::size_t size, std::string_view what);

    std::span<const std::byte> data_;
    std::size_t pos_ = 0;
    packet_type type_;
    std::optional<decode_failure>* failure_;
    std::string_view field_prefix_;
};

} // namespace gantry::protocols::mqtt::detail
