#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

#include "gantry/protocols/mqtt/mqtt_error.hpp"

namespace gantry::protocols::mqtt::detail {

// Writes one packet's fields, or only counts them: encoding runs the same
// code once to size the packet and once to write it. The first error sticks.
class wire_writer {
public:
    wire_writer() noexcept = default;  // counts only
    explicit wire_writer(std::vector<std::byte>& out) noexcept : out_(&out) {}

    std::size_t size() const noexcept { return size_; }
    std::error_code error() const noexcept { return error_; }
    bool ok() const noexcept { return !error_; }
    bool counting() const noexcept { return out_ == nullptr; }

    void u8(std::uint8_t value);
    void u16(std::uint16_t value);
    void u32(std::uint32_t value);
    void vbi(std::uint32_t value);
    void raw(std::span<const std::byte> data);
    // Length-prefixed; refuses invalid MQTT strings and over-long fields.
    void utf8(std::string_view text);
    void binary(std::span<const std::byte> data);

    void fail(std::error_code code) noexcept {
        if (!error_) error_ = code;
    }

private:
    std::vector<std::byte>* out_ = nullptr;
    std::size_t size_ = 0;
    std::error_code error_;
};

} // namespace gantry::protocols::mqtt::detail
