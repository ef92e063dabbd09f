#include "delayed_will.hpp"

#include "gantry/protocols/mqtt/mqtt_codec.hpp"
#include "gantry/protocols/mqtt/mqtt_mapping.hpp"

namespace gantry::protocols::mqtt {

result<delayed_will> make_delayed_will(const will_message& will, std::int64_t due_ms) {
    publish_packet publish;
    publish.topic = will.topic;
    publish.payload = will.payload;
    publish.qos = will.qos;
    publish.retain = will.retain;
    publish.packet_id = will.qos > 0 ? 1 : 0; // a QoS 1/2 PUBLISH must carry one; never sent
    publish.properties = will.properties;
    publish.properties.will_delay_interval.reset(); // a will property, not a PUBLISH one
    auto encoded = mqtt_codec::encode(publish, protocol_version::v5);
    if (!encoded) return encoded.error();
    return delayed_will{std::move(*encoded), due_ms};
}

result<engine::message> will_to_publish(const delayed_will& will, const std::string& client_id, std::int64_t now_ms) {
    auto decoded = mqtt_codec().decode(will.publish, protocol_version::v5);
    auto* publish = std::get_if<publish_packet>(&decoded.packet);
    if (decoded.status == decode_status::error) return decoded.diagnostic.code;
    if (decoded.status != decode_status::complete || !publish) return make_error_code(mqtt_errc::truncated);
    auto address = to_engine_address(publish->topic);
    if (!address) return address.error();
    return to_engine_message(*publish, *address, client_id, now_ms);
}

} // namespace gantry::protocols::mqtt
