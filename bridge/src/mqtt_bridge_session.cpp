// The link of a bridge: connect to the addresses in turn, CONNECT, and after
// a failure or a lost connection try again after a growing, jittered delay.
#include "mqtt_bridge_session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <future>

#include "bridge_log.hpp"
#include "gantry/protocols/mqtt/mqtt_mapping.hpp"

namespace gantry::bridge {

namespace mqtt = protocols::mqtt;

mqtt_bridge_session::mqtt_bridge_session(asio::any_io_executor executor, engine::facade& engine,
                                         mqtt_bridge_config config)
    : executor_(executor),
      engine_(engine),
      config_(std::move(config)),
      client_id_(config_.effective_client_id()),
      tls_(config_.tls.enabled ? make_tls_context(config_.tls) : nullptr),
      reconnect_timer_(executor),
      report_timer_(executor) {
    status_.name = config_.name;
    status_.type = "mqtt";
}

void mqtt_bridge_session::start() {
    asio::post(executor_, [self = shared_from_this()] {
        self->running_ = true;
        // A new bridge's groups start now, not at its first connection:
        // what is published while the remote is still unreachable waits.
        self->open_outbound(0);
        self->close_outbound();
        self->connect();
        self->report_periodically();
    });
}

void mqtt_bridge_session::stop() {
    std::promise<void> stopped;
    asio::post(executor_, [self = shared_from_this(), &stopped] {
        self->running_ = false;
        self->reconnect_timer_.cancel();
        self->report_timer_.cancel();
        if (self->link_) {
            if (self->connected_) self->link_->send(mqtt::disconnect_packet{});
            self->link_->close();
        }
        self->link_down("the broker is stopping");
        stopped.set_value();
    });
    stopped.get_future().wait();
}

bridge_status mqtt_bridge_session::status() const {
    bridge_status status;
    {
        std::lock_guard lock(status_mutex_);
        status = status_;
    }
    status.messages_out = traffic_.messages_out;
    status.bytes_out = traffic_.bytes_out;
    status.messages_in = traffic_.messages_in;
    status.bytes_in = traffic_.bytes_in;
    status.dropped = traffic_.dropped;
    for (const auto& rule : config_.topics) {
        if (!rule.sends()) continue;
        const auto filter = mqtt::to_engine_filter(rule.local_filter());
        const auto topic = filter ? engine_.find_topic(filter->topic) : std::nullopt;
        if (!topic) continue; // nothing published there yet
        const auto group = sending_group(rule);
        for (std::int32_t q = 0; q < topic->read_queue_nums; ++q) {
            const auto queue = engine_.query_queue(topic->name, q);
            if (!queue) continue;
            const auto done = engine_.committed_offset(group, topic->name, q).value_or(queue->max_offset);
            status.backlog += std::max<std::int64_t>(0, queue->max_offset - done);
        }
    }
    return status;
}

std::string mqtt_bridge_session::sending_group(const topic_rule& rule) const {
    return protocols::naming::group_name("GANTRY_BRIDGE", {config_.name, rule.local_filter()});
}

engine::operation_context mqtt_bridge_session::context() const { return {{}, client_id_, executor_}; }

void mqtt_bridge_session::connect() {
    if (!running_) return;
    const auto& address = config_.addresses[next_address_ % config_.addresses.size()];
    ++next_address_;
    update_status([&](bridge_status& s) { s.remote = address; });

    mqtt::connect_packet connect;
    connect.client_id = client_id_;
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
    mqtt_link::events events;
    events.packet = [weak = weak_from_this(), serial](mqtt::mqtt_packet packet) {
        if (auto self = weak.lock(); self && self->link_serial_ == serial && self->link_)
            self->on_packet(std::move(packet));
    };
    events.closed = [weak = weak_from_this(), serial](std::string why) {
        if (auto self = weak.lock(); self && self->link_serial_ == serial && self->link_)
            self->link_down(std::move(why));
    };
    auto link = std::make_shared<mqtt_link>(executor_, mqtt5() ? mqtt::protocol_version::v5
                                                                : mqtt::protocol_version::v3_1_1,
                                            std::move(events), tls_, config_.tls.verify);
    link_ = link;
    bridge_log()->debug("bridge '{}' connecting to {} as '{}'", config_.name, address, client_id_);
    link->open(address, std::move(connect), config_.connect_timeout);
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
                                           config_.name, link->address(), static_cast<unsigned>(reason));
            } else if constexpr (std::is_same_v<packet_t, mqtt::disconnect_packet>) {
                link_->close();
                link_down(fmt::format("{} disconnected the bridge (reason 0x{:02X}{}{})", link->address(),
                                      static_cast<unsigned>(p.reason),
                                      p.properties.reason_string ? ": " : "",
                                      p.properties.reason_string.value_or("")));
            } else if constexpr (std::is_same_v<packet_t, mqtt::pingresp_packet> ||
                                 std::is_same_v<packet_t, mqtt::unsuback_packet>) {
            } else {
                link_->close();
                link_down(link->address() + " sent a packet a server does not send");
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
                               config_.name, link_->address());
            link_->close();
            link_.reset();
            connect();
            return;
        }
        const auto why = fmt::format("{} refused the connection (CONNACK 0x{:02X}); check the bridge's address, "
                                     "credentials and client id",
                                     link_->address(), static_cast<unsigned>(connack.reason));
        link_->close();
        return link_down(why);
    }
    connected_ = true;
    failures_ = 0;
    remote_max_packet_size_ = connack.properties.maximum_packet_size.value_or(0);
    update_status([&](bridge_status& s) {
        s.connected = true;
        s.last_error.clear();
    });
    bridge_log()->info("bridge '{}' connected to {} (MQTT {}{})", config_.name, link_->address(),
                       mqtt5() ? "5.0" : "3.1.1", connack.session_present ? ", session present" : "");
    subscribe_remote();
    open_outbound(config_.max_inflight);
}

void mqtt_bridge_session::link_down(std::string why) {
    const bool was_connected = connected_;
    connected_ = false;
    link_.reset();
    close_outbound();
    pending_appends_ = 0;
    qos2_storing_.clear();
    update_status([&](bridge_status& s) {
        s.connected = false;
        s.last_error = why;
    });
    if (!running_) {
        if (was_connected) bridge_log()->info("bridge '{}' disconnected: {}", config_.name, why);
        return;
    }
    if (was_connected) bridge_log()->warn("bridge '{}' lost its connection: {}; messages wait in the log", config_.name, why);
    else bridge_log()->warn("bridge '{}': {}", config_.name, why);
    schedule_reconnect();
}

void mqtt_bridge_session::report_periodically() {
    report_timer_.expires_after(std::chrono::minutes(1));
    report_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        const auto self = weak.lock();
        if (ec || !self || !self->running_) return;
        const auto s = self->status();
        const auto traffic = s.messages_out + s.messages_in + s.dropped + static_cast<std::uint64_t>(s.backlog);
        if (traffic != self->reported_traffic_) {
            self->reported_traffic_ = traffic;
            bridge_log()->info("bridge '{}': {} {}; out {} messages ({} bytes), in {} ({} bytes), backlog {}, "
                               "dropped {}{}{}",
                               s.name, s.connected ? "connected to" : "disconnected from", s.remote, s.messages_out,
                               s.bytes_out, s.messages_in, s.bytes_in, s.backlog, s.dropped,
                               s.connected || s.last_error.empty() ? "" : "; last error: ",
                               s.connected ? "" : s.last_error);
        }
        self->report_periodically();
    });
}

std::chrono::milliseconds mqtt_bridge_session::next_backoff() {
    const auto& b = config_.reconnect;
    auto delay = b.minimum;
    for (int i = 0; i < failures_ && delay < b.maximum; ++i) delay *= 2;
    delay = std::min(delay, b.maximum);
    ++failures_;
    if (b.jitter_percent > 0) {
        std::uniform_int_distribution<std::int64_t> cut(0, delay.count() * b.jitter_percent / 100);
        delay -= std::chrono::milliseconds(cut(random_));
    }
    return delay;
}

void mqtt_bridge_session::schedule_reconnect() {
    const auto delay = next_backoff();
    bridge_log()->debug("bridge '{}' tries again in {} ms", config_.name, delay.count());
    reconnect_timer_.expires_after(delay);
    reconnect_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (auto self = weak.lock(); self && !ec) self->connect();
    });
}

} // namespace gantry::bridge
