#include "gantry/protocols/mqtt/mqtt_error.hpp"

namespace gantry::protocols::mqtt {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.mqtt"; }
    std::string message(int code) const override {
        switch (static_cast<mqtt_errc>(code)) {
        case mqtt_errc::packet_too_large: return "MQTT packet exceeds the maximum packet size";
        case mqtt_errc::malformed_variable_byte_integer: return "MQTT variable byte integer is longer than four bytes";
        case mqtt_errc::reserved_packet_type: return "reserved MQTT packet type";
        case mqtt_errc::invalid_flags: return "reserved MQTT flag bits are set";
        case mqtt_errc::truncated: return "MQTT field runs past the end of the packet";
        case mqtt_errc::trailing_bytes: return "bytes after the last field of an MQTT packet";
        case mqtt_errc::invalid_utf8: return "MQTT string is not valid UTF-8";
        case mqtt_errc::invalid_topic_name: return "invalid MQTT topic name";
        case mqtt_errc::invalid_topic_filter: return "invalid MQTT topic filter";
        case mqtt_errc::invalid_qos: return "invalid MQTT QoS";
        case mqtt_errc::invalid_packet_id: return "MQTT packet identifier 0 where one is required";
        case mqtt_errc::unsupported_protocol: return "unsupported MQTT protocol name or level";
        case mqtt_errc::unknown_property: return "unknown MQTT property identifier";
        case mqtt_errc::property_not_allowed: return "MQTT property not allowed in this packet";
        case mqtt_errc::duplicate_property: return "MQTT property appears more than once";
        case mqtt_errc::invalid_property_value: return "invalid MQTT property value";
        case mqtt_errc::invalid_reason_code: return "MQTT reason code not allowed in this packet";
        case mqtt_errc::protocol_violation: return "MQTT protocol violation";
        case mqtt_errc::value_too_large: return "value does not fit its MQTT wire field";
        case mqtt_errc::not_in_version: return "not expressible in this MQTT version";
        }
        return "unknown MQTT error";
    }
};

} // namespace

const std::error_category& mqtt_category() noexcept {
    static const category instance;
    return instance;
}

std::optional<std::uint8_t> mqtt_diagnostic::connack_code() const noexcept {
    if (packet != packet_type::connect) return std::nullopt;
    if (version == protocol_version::v5) return static_cast<std::uint8_t>(reason);
    return to_v3_connack_code(reason);
}

} // namespace gantry::protocols::mqtt
