#include "mqtt_session.hpp"

#include <algorithm>
#include <utility>

#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/common/client_identity.hpp"
#include "diagnostics.hpp"
#include "mqtt_log.hpp"

namespace gantry::protocols::mqtt {

namespace {

const char* version_name(protocol_version v) {
    switch (v) {
    case protocol_version::v3_1: return "3.1";
    case protocol_version::v3_1_1: return "3.1.1";
    case protocol_version::v5: return "5.0";
    }
    return "?";
}

} // namespace

mqtt_session::mqtt_session(common::connection& conn, const common::session_context& context, module_state& module)
    : conn_(conn),
      module_(module),
      codec_(std::min<std::size_t>(context.limits.max_frame_size, module.options.maximum_packet_size)) {}

mqtt_session::~mqtt_session() = default;

bool mqtt_session::allowed(security::access_kind kind, std::string_view topic) const {
    return module_.access.allows(kind, principal_, client_id_, topic);
}

common::consume_result mqtt_session::consume(std::span<const std::byte> input) {
    consuming_ = true;
    std::size_t consumed = 0;
    publish_batch publishes;
    while (!closing_ && !closed_ && !input_paused_) {
        auto decoded = codec_.decode(input.subspan(consumed), version_);
        if (decoded.status == decode_status::need_more) break;
        if (decoded.status == decode_status::error) {
            on_decode_error(decoded.diagnostic);
            break;
        }
        if (publishes.messages.capacity() == 0 && std::holds_alternative<publish_packet>(decoded.packet))
            publishes.expect(input.size() - consumed, decoded.consumed);
        consumed += decoded.consumed;
        dispatch(std::move(decoded.packet), decoded.version, publishes);
    }
    append_publishes(publishes);
    consuming_ = false;
    if (closing_ && !closed_) return {consumed, true, close_reason_};
    return common::consume_result::took(consumed);
}

void mqtt_session::dispatch(mqtt_packet packet, protocol_version version, publish_batch& publishes) {
    const auto type = type_of(packet);
    // What a packet does comes after what the publishes before it did.
    if (type != packet_type::publish) append_publishes(publishes);
    if (!connected_) {
        if (type != packet_type::connect) {
            // Nothing may be answered before CONNECT (§3.1): just close.
            closing_ = true;
            close_reason_ = "the first packet was not CONNECT";
            mqtt_log()->warn("closing MQTT connection from {}: the first packet was not CONNECT; is the client "
                             "speaking MQTT?",
                             conn_.remote_address());
            return;
        }
        return handle_connect(std::get<connect_packet>(packet), version);
    }
    switch (type) {
    case packet_type::connect: return fail(reason_code::protocol_error, "sent a second CONNECT");
    case packet_type::publish: return handle_publish(std::get<publish_packet>(packet), publishes);
    case packet_type::puback: return handle_puback(std::get<puback_packet>(packet));
    case packet_type::pubrec: return handle_pubrec(std::get<pubrec_packet>(packet));
    case packet_type::pubrel: return handle_pubrel(std::get<pubrel_packet>(packet));
    case packet_type::pubcomp: return handle_pubcomp(std::get<pubcomp_packet>(packet));
    case packet_type::subscribe: return handle_subscribe(std::get<subscribe_packet>(packet));
    case packet_type::unsubscribe: return handle_unsubscribe(std::get<unsubscribe_packet>(packet));
    case packet_type::pingreq: return handle_pingreq();
    case packet_type::disconnect: return handle_disconnect(std::get<disconnect_packet>(packet));
    case packet_type::auth:
        return fail(reason_code::protocol_error, "sent AUTH, but enhanced authentication was not negotiated");
    default: return fail(reason_code::protocol_error, "sent a packet only a server may send");
    }
}

void mqtt_session::on_decode_error(const mqtt_diagnostic& diagnostic) {
    if (!connected_) {
        closing_ = true;
        close_reason_ = diagnostic.message;
        if (diagnostic.connack_code()) {
            // Not send(): the version is the diagnostic's, and nothing of the
            // CONNECT (Maximum Packet Size) is known.
            connack_packet refusal{false, diagnostic.reason, {}};
            refusal.properties.reason_string = cut_reason(diagnostic.message);
            auto frame = mqtt_codec::encode(refusal, diagnostic.version);
            if (frame) conn_.send(std::move(*frame));
        }
        mqtt_log()->warn("refusing MQTT connection from {}: {} (reason 0x{:02X})", conn_.remote_address(),
                         diagnostic.message, static_cast<unsigned>(diagnostic.reason));
        return;
    }
    fail(diagnostic.reason, "sent a malformed packet: " + diagnostic.message);
}

void mqtt_session::send(const mqtt_packet& packet) {
    if (closed_) return;
    // 5.0: a Reason String or User Properties go only where the client's
    // Request Problem Information allows them ([MQTT-3.1.2-29]), and not
    // when they would take the packet past its Maximum Packet Size
    // ([MQTT-3.2.2-19/20] and the same rule for every acknowledgement and
    // DISCONNECT). A PUBLISH has none: it is the delivery's to size
    // (send_delivery), its properties are the message.
    std::optional<mqtt_packet> explained;
    if (has_diagnostics(packet)) {
        explained = packet;
        if (problem_information_ || diagnostics_unrequested_allowed(type_of(packet))) bound_reason_string(*explained);
        else drop_diagnostics(*explained);
        if (client_max_packet_size_ > 0) {
            const auto size = mqtt_codec::encoded_size(*explained, version_);
            if (size && *size > client_max_packet_size_) drop_diagnostics(*explained);
        }
    }
    auto frame = mqtt_codec::encode(explained ? *explained : packet, version_);
    if (!frame) {
        mqtt_log()->error("cannot encode a packet of type {} for {}: {}", static_cast<int>(type_of(packet)), who(),
                          frame.error().message());
        return;
    }
    conn_.send(std::move(*frame));
}

void mqtt_session::fail(reason_code code, std::string why, bool quiet) {
    if (closing_ || closed_) return;
    closing_ = true;
    close_reason_ = why;
    if (quiet) mqtt_log()->info("closing MQTT connection of {}: {}", who(), why);
    else mqtt_log()->warn("closing MQTT connection of {}: {} (reason 0x{:02X})", who(), why,
                          static_cast<unsigned>(code));
    if (connected_ && v5()) {
        disconnect_packet disconnect{code, {}};
        disconnect.properties.reason_string = why;
        send(disconnect);
    }
    if (!consuming_) conn_.close_after_flush(std::move(why));
}

void mqtt_session::take_over() {
    if (closed_) return;
    fail(reason_code::session_taken_over, "another connection took over client id '" + client_id_ + "'", true);
}

void mqtt_session::on_idle_timeout() {
    // 5.0 §3.1.2.10: the server tells why before it closes.
    if (closing_ || closed_ || !connected_ || !v5()) return;
    closing_ = true;
    close_reason_ = "keep-alive expired";
    disconnect_packet disconnect{reason_code::keep_alive_timeout, {}};
    disconnect.properties.reason_string = "nothing received for 1.5 times the keep-alive";
    send(disconnect);
}

void mqtt_session::on_writable() {
    if (!outbound_) return;
    // The client caught up: the drops of this episode can be told.
    if (outbound_->unreported_drops > 0) report_drops(false);
    drain_deliveries();
}

void mqtt_session::on_closed(std::string_view reason) {
    if (closed_) return;
    closed_ = true;
    std::optional<delayed_will> delayed;
    if (connected_ && will_ && !clean_disconnect_) delayed = publish_will();
    std::optional<stored_session> session;
    if (connected_ && !generation_.empty()) {
        session = snapshot();
        session->will = delayed; // so that a restart still publishes it
    }
    if (outbound_ && outbound_->unreported_drops > 0) report_drops(true);
    if (connected_) report_lost_share_deliveries();
    end_subscriptions();
    if (session) close_session(std::move(*session));
    if (!connected_) return;
    module_.registry->release(client_id_, serial_);
    if (delayed) {
        auto forget = [store = module_.sessions, client = client_id_, due = delayed->due_ms] {
            store->will_published(client, due);
        };
        module_.registry->schedule_will(module_.engine, client_id_, std::move(*delayed), conn_.executor(),
                                        std::move(forget));
    }
    mqtt_log()->debug("MQTT {} (MQTT {}) disconnected: {}", who(), version_name(version_), reason);
}

std::int64_t mqtt_session::now_ms() const { return engine::wall_clock_ms(); }

engine::operation_context mqtt_session::context() const {
    return {{}, client_id_, conn_.executor()};
}

std::string mqtt_session::who() const { return common::describe_client(client_id_, conn_.remote_address()); }

} // namespace gantry::protocols::mqtt
