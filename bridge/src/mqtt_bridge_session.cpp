// The MQTT link of a bridge: CONNECT (as a Mosquitto-style bridge peer where
// asked), the remote's answers routed to the outbound and inbound parts.
#include "mqtt_bridge_session.hpp"

#include <fmt/format.h>

#include "bridge_log.hpp"
#include "gantry/protocols/mqtt/mqtt_mapping.hpp"
#include "gantry/protocols/naming/topic_names.hpp"

namespace gantry::bridge {

namespace mqtt = protocols::mqtt;

namespace {

bridge_session::settings settings_of(const mqtt_bridge_config& config) {
    return {config.name, "mqtt", config.addresses, config.reconnect, config.effective_client_id()};
}

// Each sending rule reads its local filter in a durable group of its own,
// which a new bridge starts at `log_end` (engine::facade::log_end()).
std::vector<bridge_session::sending_source> sources_of(const mqtt_bridge_config& config, std::int64_t log_end) {
    std::vector<bridge_session::sending_source> sources;
    for (std::uint64_t i = 0; i < config.topics.size(); ++i) {
        const auto& rule = config.topics[i];
        if (!rule.sends()) continue;
        auto filter = mqtt::to_engine_filter(rule.local_filter());
        if (!filter) continue; // refused when the configuration was read
        bridge_session::sending_source source;
        source.rule = i;
        source.local_name = rule.local_filter();
        auto& options = source.options;
        options.topic = filter->topic;
        options.every_topic = filter->every_topic;
        options.filter_kind = engine::filter_language::mqtt;
        options.filter = filter->remainder;
        options.group = protocols::naming::group_name("GANTRY_BRIDGE", {config.name, rule.local_filter()});
        options.mode = engine::delivery_mode::shared;
        options.start = engine::start_position::at_log_position(log_end); // afterwards its committed position
        sources.push_back(std::move(source));
    }
    return sources;
}

} // namespace

mqtt_bridge_session::mqtt_bridge_session(asio::any_io_executor executor, engine::facade& engine,
                                         mqtt_bridge_config config)
    : bridge_session(executor, engine, settings_of(config), sources_of(config, engine.log_end())),
      config_(std::move(config)),
      tls_(config_.tls.enabled ? make_tls_context(config_.tls) : nullptr) {}

void mqtt_bridge_session::open_link(const std::string& address) {
    mqtt::connect_packet connect;
    connect.client_id = client_id();
    connect.clean_start = config_.clean_start;
    connect.keep_alive = config_.keep_alive;
    connect.user_name = config_.username;
    if (config_.password)
        connect.password = std::vector<std::byte>(reinterpret_cast<const std::byte*>(config_.password->data()),
                                                  reinterpret_cast<const std::byte*>(config_.password->data()) +
                                                      config_.password->size());
    connect.bridge = !mqtt5() && config_.try_private && !private_refused_;
    if (mqtt5()) {
        // The remote may hold as many QoS 1/2 messages for us unanswered as
        // we let appends run before we stop reading.
        connect.properties.receive_maximum = config_.max_inflight;
        // Keep the session for as long as it may be away, unless asked not to.
        if (!config_.clean_start) connect.properties.session_expiry_interval = 0xFFFFFFFF;
    }

    // Events of a link that was replaced meanwhile are stale.
    const auto serial = ++link_serial_;
    auto weak = std::weak_ptr(std::static_pointer_cast<mqtt_bridge_session>(shared_from_this()));
    mqtt_link::events events;
    events.packet = [weak, serial](mqtt::mqtt_packet packet) {
        if (auto self = weak.lock(); self && self->link_serial_ == serial && self->link_)
            self->on_packet(std::move(packet));
    };
    events.closed = [weak, serial](std::string why) {
        if (auto self = weak.lock(); self && self->link_serial_ == serial && self->link_)
            self->link_down(std::move(why));
    };
    link_ = std::make_shared<mqtt_link>(executor(), mqtt5() ? mqtt::protocol_version::v5
                                                            : mqtt::protocol_version::v3_1_1,
                                        std::move(events), tls_, config_.tls.verify);
    link_->open(address, std::move(connect), config_.connect_timeout);
}

void mqtt_bridge_session::close_link() {
    if (!link_) return;
    if (connected()) link_->send(mqtt::disconnect_packet{});
    link_->close();
}

void mqtt_bridge_session::forget_link() {
    link_.reset();
    outbox_.clear();
    in_flight_.clear();
    pending_appends_ = 0;
    qos2_storing_.clear();
}

void mqtt_bridge_session::fail_link(std::string why) {
    link_->close();
    link_down(std::move(why));
}

void mqtt_bridge_session::on_packet(mqtt::mqtt_packet packet) {
    const auto link = link_;
    std::visit(
        [&](auto& p) {
            using packet_t = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<packet_t, mqtt::connack_packet>) on_connack(p);
            else if constexpr (std::is_same_v<packet_t, mqtt::publish_packet>) on_remote_publish(p);
            else if constexpr (std::is_same_v<packet_t, mqtt::puback_packet>)
                on_publish_answer(p.packet_id, p.reason, true);
            else if constexpr (std::is_same_v<packet_t, mqtt::pubrec_packet>)
                on_publish_answer(p.packet_id, p.reason, false);
            else if constexpr (std::is_same_v<packet_t, mqtt::pubcomp_packet>)
                on_publish_answer(p.packet_id, p.reason, true);
            else if constexpr (std::is_same_v<packet_t, mqtt::pubrel_packet>) on_remote_pubrel(p.packet_id);
            else if constexpr (std::is_same_v<packet_t, mqtt::suback_packet>) {
                for (const auto reason : p.reasons)
                    if (static_cast<std::uint8_t>(reason) >= 0x80)
                        bridge_log()->warn("bridge '{}': {} refused a subscription (reason 0x{:02X}); its messages "
                                           "will not come in",
                                           name(), link->address(), static_cast<unsigned>(reason));
            } else if constexpr (std::is_same_v<packet_t, mqtt::disconnect_packet>) {
                fail_link(fmt::format("{} disconnected the bridge (reason 0x{:02X}{}{})", link->address(),
                                      static_cast<unsigned>(p.reason), p.properties.reason_string ? ": " : "",
                                      p.properties.reason_string.value_or("")));
            } else if constexpr (std::is_same_v<packet_t, mqtt::pingresp_packet> ||
                                 std::is_same_v<packet_t, mqtt::unsuback_packet>) {
            } else {
                fail_link(link->address() + " sent a packet a server does not send");
            }
        },
        packet);
}

void mqtt_bridge_session::on_connack(const mqtt::connack_packet& connack) {
    if (connack.reason != mqtt::reason_code::success) {
        // 3.1.1's "unacceptable protocol version" to a bridge CONNECT: the
        // remote is no Mosquitto-style bridge peer; connect plainly instead.
        if (!mqtt5() && config_.try_private && !private_refused_ &&
            connack.reason == mqtt::reason_code::unsupported_protocol_version) {
            private_refused_ = true;
            bridge_log()->info("bridge '{}': {} refused a bridge CONNECT (try_private); connecting as a plain "
                               "client",
                               name(), link_->address());
            const auto address = link_->address();
            link_->close();
            return open_link(address);
        }
        return fail_link(fmt::format("{} refused the connection (CONNACK 0x{:02X}); check the bridge's address, "
                                     "credentials and client id",
                                     link_->address(), static_cast<unsigned>(connack.reason)));
    }
    remote_max_packet_size_ = connack.properties.maximum_packet_size.value_or(0);
    link_up(fmt::format("MQTT {}{}", mqtt5() ? "5.0" : "3.1.1", connack.session_present ? ", session present" : ""));
    resume_releases(connack.session_present);
    subscribe_remote();
    open_outbound(config_.max_inflight);
}

} // namespace gantry::bridge
