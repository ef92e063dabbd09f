// CONNECT (3.1 §3.1, 3.1.1 §3.1, 5.0 §3.1): version, client identifier,
// keep-alive, will, takeover of an existing connection, the session it
// continues or starts, CONNACK.
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "../mqtt_log.hpp"
#include "../mqtt_session.hpp"
#include "gantry/protocols/mqtt/response_topic.hpp"
#include "gantry/security/security_error.hpp"

namespace gantry::protocols::mqtt {

namespace {

std::string assigned_client_id() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("gantry-{:016x}", random());
}

} // namespace

void mqtt_session::refuse_connect(reason_code code, std::string why, std::optional<std::string> told) {
    closing_ = true;
    close_reason_ = why;
    mqtt_log()->warn("refusing MQTT connection of {}: {} (CONNACK 0x{:02X})", who(), why,
                     static_cast<unsigned>(code));
    connack_packet connack{false, code, {}};
    connack.properties.reason_string = told ? std::move(*told) : std::move(why);
    send(connack);
}

void mqtt_session::handle_connect(connect_packet& packet, protocol_version version) {
    version_ = version;
    client_id_ = packet.client_id;
    const auto& props = packet.properties;
    // Before any refusal: its CONNACK obeys them too.
    client_max_packet_size_ = props.maximum_packet_size.value_or(0);
    problem_information_ = props.request_problem_information.value_or(1) != 0;
    bool assigned = false;
    if (client_id_.empty()) {
        // 3.1 requires an identifier; 3.1.1 allows none only with a clean
        // session (§3.1.3-8); 5.0 lets the server assign one.
        if (version == protocol_version::v3_1 || (version == protocol_version::v3_1_1 && !packet.clean_start))
            return refuse_connect(reason_code::client_identifier_not_valid,
                                  "empty client identifier without a clean session: send a client identifier");
        client_id_ = assigned_client_id();
        assigned = version == protocol_version::v5;
    }
    if (props.authentication_method)
        return refuse_connect(reason_code::bad_authentication_method,
                              "enhanced authentication '" + *props.authentication_method +
                                  "' is not supported: connect without an Authentication Method, with a user name "
                                  "and password");
    if (module_.access.users) {
        const auto password = packet.password ? std::string_view(reinterpret_cast<const char*>(packet.password->data()),
                                                                 packet.password->size())
                                              : std::string_view{};
        auto who_connects = module_.access.users->authenticate(packet.user_name, password);
        if (!who_connects) {
            // 3.1.1 CONNACK 0x04 / 0x05 come from these 5.0 codes (reason_code.cpp).
            const bool anonymous = who_connects.error() == security::security_errc::anonymous_not_allowed;
            if (anonymous)
                return refuse_connect(reason_code::not_authorized,
                                      "anonymous clients are not allowed (allowAnonymous): connect with a user name "
                                      "and password");
            // The client is not told which of the two was wrong: that would
            // tell it which users exist.
            return refuse_connect(reason_code::bad_user_name_or_password,
                                  "user '" + packet.user_name.value_or("") + "': " + who_connects.error().message(),
                                  "the user name or the password is wrong");
        }
        principal_ = std::move(*who_connects);
    }
    if (packet.will) {
        if (packet.will->qos > module_.options.maximum_qos)
            return refuse_connect(reason_code::qos_not_supported,
                                  fmt::format("will QoS {} is above the maximum QoS {}", packet.will->qos,
                                              module_.options.maximum_qos));
        if (packet.will->retain && !module_.options.retain_available)
            return refuse_connect(reason_code::retain_not_supported, "retained will, but retain is not available");
        if (auto address = to_engine_address(packet.will->topic); !address)
            return refuse_connect(reason_code::topic_name_invalid,
                                  "will topic '" + packet.will->topic + "': " + address.error().message());
        // 5.0 §3.1.3.2.3: a will payload that is not the UTF-8 its indicator
        // announces is refused with the CONNECT, before it could be published.
        if (auto problem = payload_format_problem(packet.will->payload, packet.will->properties); !problem.empty())
            return refuse_connect(reason_code::payload_format_invalid,
                                  "will topic '" + packet.will->topic + "': " + std::move(problem));
    }

    connected_ = true;
    if (packet.will) will_ = std::make_unique<will_message>(std::move(*packet.will));
    session_expiry_ = props.session_expiry_interval.value_or(0);
    clean_start_ = packet.clean_start;
    bridge_client_ = packet.bridge;
    // Outbound aliases up to what the client allows and the broker's own
    // alias limit, which bounds the memory they take.
    outbound_alias_limit_ = std::min(props.topic_alias_maximum.value_or(0), module_.options.topic_alias_maximum);
    inflight_limit_ = static_cast<std::uint32_t>(
        std::min<std::size_t>(props.receive_maximum.value_or(65535), module_.options.max_inflight_deliveries));
    if (inflight_limit_ == 0) inflight_limit_ = 1;

    // Only a 5.0 client learns the server's keep-alive (CONNACK); a 3.x
    // client is held to its own.
    const std::uint16_t keep_alive =
        v5() && module_.options.server_keep_alive ? module_.options.server_keep_alive : packet.keep_alive;
    // §3.1.2.10 / §3.1.2-22: one and a half keep-alive periods of silence.
    conn_.set_idle_timeout(std::chrono::milliseconds(std::int64_t{keep_alive} * 1500));

    serial_ = module_.registry->next_serial();
    auto resumed = open_session(packet.clean_start);
    // A session taken over from a live connection has nothing waiting.
    const std::uint64_t skipped = resumed && !resumed->handed_over_later && module_.options.max_offline_messages > 0
                                      ? limit_offline_backlog(resumed->session)
                                      : 0;
    module_.registry->claim(client_id_, {conn_.weak_from_this(), this, serial_});

    connack_packet connack;
    connack.session_present = resumed.has_value();
    if (v5()) {
        auto& out = connack.properties;
        if (assigned) out.assigned_client_identifier = client_id_;
        out.receive_maximum = module_.options.receive_maximum;
        if (module_.options.maximum_qos < 2) out.maximum_qos = module_.options.maximum_qos;
        if (!module_.options.retain_available) out.retain_available = 0;
        out.maximum_packet_size = static_cast<std::uint32_t>(codec_.max_packet_size());
        out.topic_alias_maximum = module_.options.topic_alias_maximum;
        if (module_.options.server_keep_alive) out.server_keep_alive = module_.options.server_keep_alive;
        if (props.request_response_information.value_or(0) == 1) {
            out.response_information = response_information(module_.options.response_topic_prefix, client_id_);
            if (!out.response_information && !module_.options.response_topic_prefix.empty())
                mqtt_log()->info("no Response Information for {}: its client id cannot stand for %c in "
                                 "mqtt.responseTopicPrefix (it holds '/', '+' or '#', or is too long)",
                                 who());
        }
        if (skipped > 0) {
            out.reason_string = fmt::format("{} messages published while you were away were skipped: the broker keeps "
                                            "at most {} for a session (quota exceeded)",
                                            skipped, module_.options.max_offline_messages);
            out.user_properties.push_back({"gantry-offline-skipped", std::to_string(skipped)});
        }
    }
    send(connack);
    mqtt_log()->debug("MQTT {} connected (MQTT {}, keep-alive {} s, clean start {}{}{})", who(),
                      version == protocol_version::v5 ? "5.0" : version == protocol_version::v3_1_1 ? "3.1.1" : "3.1",
                      keep_alive, packet.clean_start, resumed ? ", session resumed" : "",
                      will_ ? ", with a will" : "");
    if (!resumed) return;
    if (!resumed->handed_over_later) return restore_session(resumed->session);
    awaiting_handover_ = true;
    update_input_hold();
}

} // namespace gantry::protocols::mqtt
