#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gantry/protocols/mqtt/mqtt_codec.hpp"

namespace gantry::protocols::mqtt::test {

using bytes = std::vector<std::byte>;

// Packets written out as in the specification's figures: hex bytes, and
// 'quoted text' for the characters of a string. wire("00 04 'MQTT' 05").
inline bytes wire(std::string_view text) {
    bytes out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char c = text[pos];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++pos;
        } else if (c == '\'') {
            const auto end = text.find('\'', pos + 1);
            for (std::size_t i = pos + 1; i < end; ++i) out.push_back(static_cast<std::byte>(text[i]));
            pos = end + 1;
        } else {
            out.push_back(static_cast<std::byte>(std::stoul(std::string(text.substr(pos, 2)), nullptr, 16)));
            pos += 2;
        }
    }
    return out;
}

inline bytes to_bytes(std::string_view text) {
    bytes out;
    for (const char c : text) out.push_back(static_cast<std::byte>(c));
    return out;
}

inline publish_packet make_publish(std::string topic, std::string_view payload, std::uint8_t qos = 0,
                                   std::uint16_t packet_id = 0) {
    publish_packet out;
    out.topic = std::move(topic);
    out.payload = payload;
    out.qos = qos;
    out.packet_id = packet_id;
    return out;
}

inline bytes concat(bytes head, const bytes& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

// Decodes a packet that must be complete and span the whole input.
inline mqtt_packet decode_whole(const bytes& input, protocol_version version,
                                const mqtt_codec& codec = mqtt_codec{}) {
    auto decoded = codec.decode(input, version);
    if (decoded.status != decode_status::complete) {
        ADD_FAILURE() << "not complete: " << decoded.diagnostic.message;
        return pingreq_packet{};
    }
    EXPECT_EQ(decoded.consumed, input.size());
    return std::move(decoded.packet);
}

template <typename Packet>
Packet decode_as(const bytes& input, protocol_version version) {
    const auto packet = decode_whole(input, version);
    if (!std::holds_alternative<Packet>(packet)) {
        ADD_FAILURE() << "decoded as packet type " << static_cast<int>(type_of(packet));
        return Packet{};
    }
    return std::get<Packet>(packet);
}

// The input decodes to `expected`, and `expected` encodes to the input.
inline void expect_both_ways(const bytes& input, const mqtt_packet& expected, protocol_version version) {
    EXPECT_EQ(decode_whole(input, version), expected);
    const auto encoded = mqtt_codec::encode(expected, version);
    ASSERT_TRUE(encoded) << encoded.error().message();
    EXPECT_EQ(encoded.value(), input);
    const auto size = mqtt_codec::encoded_size(expected, version);
    ASSERT_TRUE(size);
    EXPECT_EQ(size.value(), input.size());
}

// The diagnostic of input that must be refused.
inline mqtt_diagnostic decode_error(const bytes& input, protocol_version version,
                                    const mqtt_codec& codec = mqtt_codec{}) {
    auto decoded = codec.decode(input, version);
    EXPECT_EQ(decoded.status, decode_status::error);
    EXPECT_FALSE(decoded.diagnostic.message.empty());
    return decoded.diagnostic;
}

inline std::error_code encode_error(const mqtt_packet& packet, protocol_version version) {
    const auto encoded = mqtt_codec::encode(packet, version);
    EXPECT_FALSE(encoded);
    return encoded.error();
}

} // namespace gantry::protocols::mqtt::test
