#include "delayed_will.hpp"

#include "gantry/protocols/mqtt/mqtt_codec.hpp"
#include "gantry/protocols/mqtt/mqtt_mapping.hpp"
#include "byte_text.hpp"
#include "mqtt_log.hpp"

namespace gantry::protocols::mqtt {

publish_packet will_publish(will_message will) {
    publish_packet publish;
    publish.topic = std::move(will.topic);
    publish.payload = to_text(will.payload);
    publish.qos = will.qos;
    publish.retain = will.retain;
    publish.properties = std::move(will.properties);
    publish.properties.will_delay_interval.reset(); // a will property, not a PUBLISH one
    return publish;
}

result<delayed_will> make_delayed_will(const publish_packet& publish, std::int64_t due_ms) {
    auto kept = publish;
    kept.packet_id = publish.qos > 0 ? 1 : 0; // a QoS 1/2 PUBLISH must carry one; never sent
    auto encoded = mqtt_codec::encode(kept, protocol_version::v5);
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
    return to_engine_message(std::move(*publish), *address, client_id, now_ms);
}

void publish_will_message(engine::facade& engine, const engine::operation_context& ctx, engine::message msg,
                          std::function<void()> on_published) {
    const bool retain = published_with_retain(msg);
    auto stored = [client = ctx.client_id, done = std::move(on_published)](result<engine::append_receipt> r) {
        if (!r) {
            mqtt_log()->warn("could not publish the will of MQTT client '{}': {}", client, r.error().message());
            return;
        }
        if (done) done();
    };
    if (retain) engine.retained().retain(ctx, std::move(msg), std::move(stored));
    else engine.append(ctx, std::move(msg), std::move(stored));
}

} // namespace gantry::protocols::mqtt
