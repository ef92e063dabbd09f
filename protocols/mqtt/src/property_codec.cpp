#include "property_codec.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>

#include "gantry/protocols/mqtt/variable_byte_integer.hpp"

namespace gantry::protocols::mqtt::detail {

namespace {

using context_set = std::uint16_t;

constexpr context_set in(std::initializer_list<property_context> contexts) noexcept {
    context_set out = 0;
    for (const auto c : contexts) out = static_cast<context_set>(out | (1U << static_cast<unsigned>(c)));
    return out;
}

using enum property_context;

struct property_info {
    std::uint8_t id;
    std::string_view name;
    context_set contexts;
};

// 5.0 §2.2.2.2 table 2-4.
constexpr std::array<property_info, 27> property_table = {{
    {0x01, "Payload Format Indicator (0x01)", in({publish, will})},
    {0x02, "Message Expiry Interval (0x02)", in({publish, will})},
    {0x03, "Content Type (0x03)", in({publish, will})},
    {0x08, "Response Topic (0x08)", in({publish, will})},
    {0x09, "Correlation Data (0x09)", in({publish, will})},
    {0x0B, "Subscription Identifier (0x0B)", in({publish, subscribe})},
    {0x11, "Session Expiry Interval (0x11)", in({connect, connack, disconnect})},
    {0x12, "Assigned Client Identifier (0x12)", in({connack})},
    {0x13, "Server Keep Alive (0x13)", in({connack})},
    {0x15, "Authentication Method (0x15)", in({connect, connack, auth})},
    {0x16, "Authentication Data (0x16)", in({connect, connack, auth})},
    {0x17, "Request Problem Information (0x17)", in({connect})},
    {0x18, "Will Delay Interval (0x18)", in({will})},
    {0x19, "Request Response Information (0x19)", in({connect})},
    {0x1A, "Response Information (0x1A)", in({connack})},
    {0x1C, "Server Reference (0x1C)", in({connack, disconnect})},
    {0x1F, "Reason String (0x1F)", in({connack, puback, pubrec, pubrel, pubcomp, suback, unsuback, disconnect, auth})},
    {0x21, "Receive Maximum (0x21)", in({connect, connack})},
    {0x22, "Topic Alias Maximum (0x22)", in({connect, connack})},
    {0x23, "Topic Alias (0x23)", in({publish})},
    {0x24, "Maximum QoS (0x24)", in({connack})},
    {0x25, "Retain Available (0x25)", in({connack})},
    {0x26, "User Property (0x26)", in({connect, connack, publish, will, puback, pubrec, pubrel, pubcomp, subscribe, suback,
                                unsubscribe, unsuback, disconnect, auth})},
    {0x27, "Maximum Packet Size (0x27)", in({connect, connack})},
    {0x28, "Wildcard Subscription Available (0x28)", in({connack})},
    {0x29, "Subscription Identifier Available (0x29)", in({connack})},
    {0x2A, "Shared Subscription Available (0x2A)", in({connack})},
}};

const property_info* find_info(std::uint8_t id) noexcept {
    const auto* it = std::find_if(property_table.begin(), property_table.end(),
                                  [id](const property_info& info) { return info.id == id; });
    return it == property_table.end() ? nullptr : it;
}

bool allowed(const property_info& info, property_context context) noexcept {
    return (info.contexts & in({context})) != 0;
}

// Calls f(identifier, field) for every field of `props`, in identifier order.
template <typename Props, typename F>
void visit_fields(Props& props, F&& f) {
    f(std::uint8_t{0x01}, props.payload_format_indicator);
    f(std::uint8_t{0x02}, props.message_expiry_interval);
    f(std::uint8_t{0x03}, props.content_type);
    f(std::uint8_t{0x08}, props.response_topic);
    f(std::uint8_t{0x09}, props.correlation_data);
    f(std::uint8_t{0x0B}, props.subscription_identifiers);
    f(std::uint8_t{0x11}, props.session_expiry_interval);
    f(std::uint8_t{0x12}, props.assigned_client_identifier);
    f(std::uint8_t{0x13}, props.server_keep_alive);
    f(std::uint8_t{0x15}, props.authentication_method);
    f(std::uint8_t{0x16}, props.authentication_data);
    f(std::uint8_t{0x17}, props.request_problem_information);
    f(std::uint8_t{0x18}, props.will_delay_interval);
    f(std::uint8_t{0x19}, props.request_response_information);
    f(std::uint8_t{0x1A}, props.response_information);
    f(std::uint8_t{0x1C}, props.server_reference);
    f(std::uint8_t{0x1F}, props.reason_string);
    f(std::uint8_t{0x21}, props.receive_maximum);
    f(std::uint8_t{0x22}, props.topic_alias_maximum);
    f(std::uint8_t{0x23}, props.topic_alias);
    f(std::uint8_t{0x24}, props.maximum_qos);
    f(std::uint8_t{0x25}, props.retain_available);
    f(std::uint8_t{0x26}, props.user_properties);
    f(std::uint8_t{0x27}, props.maximum_packet_size);
    f(std::uint8_t{0x28}, props.wildcard_subscription_available);
    f(std::uint8_t{0x29}, props.subscription_identifiers_available);
    f(std::uint8_t{0x2A}, props.shared_subscription_available);
}

template <typename T>
bool present(const std::optional<T>& field) noexcept {
    return field.has_value();
}

template <typename T>
bool present(const std::vector<T>& field) noexcept {
    return !field.empty();
}

std::string_view field_prefix(property_context context) noexcept {
    return context == will ? "will property " : "property ";
}

// Built only for messages, so reading a property allocates nothing extra.
std::string describe(const property_info& info, property_context context) {
    return std::string(field_prefix(context)) + std::string(info.name);
}

template <typename T>
T read_scalar(wire_reader& reader, std::string_view what) {
    if constexpr (std::is_same_v<T, std::uint8_t>) {
        return reader.u8(what);
    } else if constexpr (std::is_same_v<T, std::uint16_t>) {
        return reader.u16(what);
    } else if constexpr (std::is_same_v<T, std::uint32_t>) {
        return reader.u32(what);
    } else if constexpr (std::is_same_v<T, std::string>) {
        return reader.utf8(what);
    } else {
        static_assert(std::is_same_v<T, std::vector<std::byte>>);
        return reader.binary(what);
    }
}

void fail_duplicate(wire_reader& reader, const property_info& info, property_context context) {
    reader.fail_packet(mqtt_errc::duplicate_property, reason_code::protocol_error,
                       describe(info, context) + " appears more than once");
}

template <typename T>
void read_value(wire_reader& reader, const property_info& info, property_context context, std::optional<T>& field) {
    if (field.has_value()) return fail_duplicate(reader, info, context);
    field = read_scalar<T>(reader, info.name);
}

void read_value(wire_reader& reader, const property_info& info, property_context context,
                std::vector<std::uint32_t>& field) {
    if (context != publish && !field.empty()) return fail_duplicate(reader, info, context);
    field.push_back(reader.vbi(info.name));
}

void read_value(wire_reader& reader, const property_info&, property_context, std::vector<user_property>& field) {
    auto name = reader.utf8("User Property (0x26) name");
    auto value = reader.utf8("User Property (0x26) value");
    field.push_back({std::move(name), std::move(value)});
}

// Every rule beyond the wire format, for both directions.
std::optional<decode_failure> check(const properties& props, property_context context) {
    std::optional<decode_failure> problem;
    const auto set = [&](mqtt_errc code, reason_code reason, std::string message) {
        if (!problem) problem = decode_failure{code, reason, std::move(message)};
    };
    visit_fields(props, [&](std::uint8_t id, const auto& field) {
        if (!present(field)) return;
        const auto& info = *find_info(id);
        if (!allowed(info, context)) {
            set(mqtt_errc::property_not_allowed, reason_code::protocol_error,
                describe(info, context) + " is not allowed in this packet");
        }
    });
    const auto zero_or_one = [&](std::uint8_t id, const std::optional<std::uint8_t>& field) {
        if (field && *field > 1) {
            set(mqtt_errc::invalid_property_value, reason_code::protocol_error,
                describe(*find_info(id), context) + " is " + std::to_string(*field) + " (must be 0 or 1)");
        }
    };
    zero_or_one(0x01, props.payload_format_indicator);
    zero_or_one(0x17, props.request_problem_information);
    zero_or_one(0x19, props.request_response_information);
    zero_or_one(0x24, props.maximum_qos);
    zero_or_one(0x25, props.retain_available);
    zero_or_one(0x28, props.wildcard_subscription_available);
    zero_or_one(0x29, props.subscription_identifiers_available);
    zero_or_one(0x2A, props.shared_subscription_available);
    const auto not_zero = [&](std::uint8_t id, auto field, reason_code reason) {
        if (field && *field == 0) {
            set(mqtt_errc::invalid_property_value, reason, describe(*find_info(id), context) + " is 0");
        }
    };
    not_zero(0x21, props.receive_maximum, reason_code::protocol_error);
    not_zero(0x27, props.maximum_packet_size, reason_code::protocol_error);
    not_zero(0x23, props.topic_alias, reason_code::topic_alias_invalid);
    for (const auto id : props.subscription_identifiers) {
        if (id == 0) {
            set(mqtt_errc::invalid_property_value, reason_code::protocol_error,
                describe(*find_info(0x0B), context) + " is 0");
        }
        if (id > max_variable_byte_integer) {
            set(mqtt_errc::value_too_large, reason_code::protocol_error,
                describe(*find_info(0x0B), context) + " is above 268435455");
        }
    }
    if (context != publish && props.subscription_identifiers.size() > 1) {
        set(mqtt_errc::duplicate_property, reason_code::protocol_error,
            describe(*find_info(0x0B), context) + " appears more than once");
    }
    if (context == connect && props.authentication_data && !props.authentication_method) {
        set(mqtt_errc::protocol_violation, reason_code::protocol_error,
            "has Authentication Data without an Authentication Method");
    }
    return problem;
}

template <typename T>
void write_value(wire_writer& writer, std::uint8_t id, const std::optional<T>& field) {
    if (!field) return;
    writer.u8(id);
    if constexpr (std::is_same_v<T, std::uint8_t>) writer.u8(*field);
    if constexpr (std::is_same_v<T, std::uint16_t>) writer.u16(*field);
    if constexpr (std::is_same_v<T, std::uint32_t>) writer.u32(*field);
    if constexpr (std::is_same_v<T, std::string>) writer.utf8(*field);
    if constexpr (std::is_same_v<T, std::vector<std::byte>>) writer.binary(*field);
}

void write_value(wire_writer& writer, std::uint8_t id, const std::vector<std::uint32_t>& field) {
    for (const auto value : field) {
        writer.u8(id);
        writer.vbi(value);
    }
}

void write_value(wire_writer& writer, std::uint8_t id, const std::vector<user_property>& field) {
    for (const auto& property : field) {
        writer.u8(id);
        writer.utf8(property.name);
        writer.utf8(property.value);
    }
}

void write_fields(wire_writer& writer, const properties& props) {
    visit_fields(props, [&](std::uint8_t id, const auto& field) { write_value(writer, id, field); });
}

} // namespace

property_context context_of(packet_type type) noexcept {
    switch (type) {
    case packet_type::connect: return connect;
    case packet_type::connack: return connack;
    case packet_type::publish: return publish;
    case packet_type::puback: return puback;
    case packet_type::pubrec: return pubrec;
    case packet_type::pubrel: return pubrel;
    case packet_type::pubcomp: return pubcomp;
    case packet_type::subscribe: return subscribe;
    case packet_type::suback: return suback;
    case packet_type::unsubscribe: return unsubscribe;
    case packet_type::unsuback: return unsuback;
    case packet_type::disconnect: return disconnect;
    case packet_type::auth: return auth;
    case packet_type::pingreq:
    case packet_type::pingresp: break;
    }
    // PINGREQ and PINGRESP have no properties; nothing asks.
    return disconnect;
}

properties read_properties(wire_reader& reader, property_context context) {
    properties out;
    const auto length = reader.vbi("property length");
    auto block = reader.sub(length, context == will ? "will properties" : "properties", field_prefix(context));
    while (block.ok() && !block.at_end()) {
        const auto id = block.u8("property identifier");
        const auto* info = find_info(id);
        if (info == nullptr) {
            char text[64];
            std::snprintf(text, sizeof text, "has unknown %sproperty identifier 0x%02X",
                          context == will ? "will " : "", static_cast<unsigned>(id));
            block.fail_packet(mqtt_errc::unknown_property, reason_code::malformed_packet, text);
            break;
        }
        if (!allowed(*info, context)) {
            block.fail_packet(mqtt_errc::property_not_allowed, reason_code::protocol_error,
                              describe(*info, context) + " is not allowed in this packet");
            break;
        }
        visit_fields(out, [&](std::uint8_t field_id, auto& field) {
            if (field_id == id) read_value(block, *info, context, field);
        });
    }
    if (!reader.ok()) return out;
    if (auto problem = check(out, context)) reader.fail_packet(problem->code, problem->reason, problem->message);
    return out;
}

void write_properties(wire_writer& writer, const properties& props, property_context context) {
    if (const auto problem = check(props, context)) return writer.fail(problem->code);
    wire_writer counter;
    write_fields(counter, props);
    if (!counter.ok()) return writer.fail(counter.error());
    if (counter.size() > max_variable_byte_integer) return writer.fail(mqtt_errc::value_too_large);
    writer.vbi(static_cast<std::uint32_t>(counter.size()));
    write_fields(writer, props);
}

} // namespace gantry::protocols::mqtt::detail
