// The AMQP connection of a bridge: SASL and open, one session, a sender per
// "out" link and a receiver per "in" link, attached at once. The bridge is
// up once the remote attached every link. A link the remote refuses or
// closes ends the connection, which is tried again after the back-off: the
// refusal is logged and shown as the bridge's last error.
#include "amqp_bridge_session.hpp"

#include <fmt/format.h>
#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/session.h>
#include <proton/terminus.h>

#include "bridge_log.hpp"
#include "gantry/protocols/naming/jms_consumer.hpp"
#include "gantry/protocols/naming/topic_names.hpp"

namespace gantry::bridge {

namespace {

bridge_session::settings settings_of(const amqp_bridge_config& config) {
    return {config.name, "amqp", config.addresses, config.reconnect, config.effective_client_id()};
}

// An "out" link of a queue takes the queue's messages as one more of its
// consumers; one of topics reads them in a durable group of its own.
// `log_end`: where a new bridge starts (engine::facade::log_end()).
std::vector<bridge_session::sending_source> sources_of(const amqp_bridge_config& config, std::int64_t log_end) {
    std::vector<bridge_session::sending_source> sources;
    for (std::uint64_t i = 0; i < config.links.size(); ++i) {
        const auto& link = config.links[i];
        if (link.direction != direction::out) continue;
        auto local = parse_local_destination(link.local, true).destination;
        if (!local) continue; // refused when the configuration was read
        protocols::naming::jms_consumer consumer;
        consumer.point_to_point = local->queue;
        consumer.route = std::move(local->route);
        consumer.log_end = log_end;
        if (!local->queue)
            consumer.durable_group = protocols::naming::group_name("GANTRY_BRIDGE", {config.name, link.local});
        sources.push_back({i, protocols::naming::jms_subscription_options(consumer), link.local});
    }
    return sources;
}

} // namespace

amqp_bridge_session::amqp_bridge_session(asio::any_io_executor executor, engine::facade& engine,
                                         amqp_bridge_config config)
    : bridge_session(executor, engine, settings_of(config), sources_of(config, engine.log_end())),
      config_(std::move(config)),
      tls_(config_.tls.enabled ? make_tls_context(config_.tls) : nullptr) {}

void amqp_bridge_session::open_link(const std::string& address) {
    // Events of a connection that was replaced meanwhile are stale.
    const auto serial = ++link_serial_;
    auto weak = std::weak_ptr(std::static_pointer_cast<amqp_bridge_session>(shared_from_this()));
    amqp_link::events events;
    events.event = [weak, serial](pn_event_t* event) {
        if (auto self = weak.lock(); self && self->link_serial_ == serial && self->link_) self->on_event(event);
    };
    events.closed = [weak, serial](std::string why) {
        if (auto self = weak.lock(); self && self->link_serial_ == serial && self->link_)
            self->link_down(std::move(why));
    };
    link_ = std::make_shared<amqp_link>(executor(), std::move(events), tls_, config_.tls.verify);
    link_->open(address, {client_id(), config_.username, config_.password, config_.idle_timeout_ms},
                config_.connect_timeout);
    attach_links();
}

void amqp_bridge_session::attach_links() {
    auto* session = pn_session(link_->connection());
    pn_session_open(session);
    for (std::uint64_t i = 0; i < config_.links.size(); ++i) {
        const auto& rule = config_.links[i];
        const bool out = rule.direction == direction::out;
        const auto link_name = fmt::format("{}-{}-{}", client_id(), out ? "out" : "in", i);
        auto* link = out ? pn_sender(session, link_name.c_str()) : pn_receiver(session, link_name.c_str());
        auto* local = out ? pn_link_source(link) : pn_link_target(link);
        auto* remote = out ? pn_link_target(link) : pn_link_source(link);
        pn_terminus_set_address(local, rule.local.c_str());
        pn_terminus_set_address(remote, rule.remote.c_str());
        pn_link_set_snd_settle_mode(link, rule.presettled ? PN_SND_SETTLED : PN_SND_UNSETTLED);
        pn_link_set_rcv_settle_mode(link, PN_RCV_FIRST);
        // Durable at the remote: what the bridge sends is kept there through
        // a restart, and what its source holds for the bridge is kept while
        // the bridge is away (RabbitMQ declares /queue/NAME durable only then).
        pn_terminus_set_durability(remote, PN_DELIVERIES);
        pn_terminus_set_expiry_policy(remote, PN_EXPIRE_NEVER);
        pn_link_open(link);
        if (out) {
            senders_[i].link = link;
        } else {
            receivers_[i] = {link, *parse_local_destination(rule.local, false).destination};
            pn_link_flow(link, config_.max_inflight);
        }
    }
}

void amqp_bridge_session::close_link() {
    if (!link_) return;
    pn_connection_close(link_->connection());
    link_->flush();
    if (link_) link_->close();
}

void amqp_bridge_session::forget_link() {
    link_.reset();
    links_attached_ = 0;
    senders_.clear();
    receivers_.clear();
    unsettled_.clear();
}

void amqp_bridge_session::fail_link(std::string why) {
    link_->close();
    link_down(std::move(why));
}

void amqp_bridge_session::on_event(pn_event_t* event) {
    switch (pn_event_type(event)) {
    case PN_LINK_REMOTE_OPEN: {
        auto* link = pn_event_link(event);
        // A refusal is an attach without a terminus, and a detach right after.
        if (!pn_terminus_get_address(pn_link_is_sender(link) ? pn_link_remote_target(link)
                                                             : pn_link_remote_source(link)))
            break;
        if (++links_attached_ < config_.links.size()) break;
        const char* container = pn_connection_remote_container(link_->connection());
        link_up(fmt::format("AMQP 1.0, remote container '{}'", container ? container : ""));
        open_outbound(config_.max_inflight);
        break;
    }
    case PN_CONNECTION_REMOTE_CLOSE:
        return fail_link(fmt::format("{} closed the connection ({})", link_->address(),
                                     describe_condition(pn_connection_remote_condition(link_->connection()))));
    case PN_SESSION_REMOTE_CLOSE:
        return fail_link(fmt::format("{} ended the session ({})", link_->address(),
                                     describe_condition(pn_session_remote_condition(pn_event_session(event)))));
    case PN_LINK_REMOTE_CLOSE:
    case PN_LINK_REMOTE_DETACH: {
        auto* link = pn_event_link(event);
        const bool out = pn_link_is_sender(link);
        const char* address = pn_terminus_get_address(out ? pn_link_target(link) : pn_link_source(link));
        return fail_link(fmt::format("{} refused or closed the link {} '{}' ({}); check the link's remote address",
                                     link_->address(), out ? "to" : "from", address ? address : "",
                                     describe_condition(pn_link_remote_condition(link))));
    }
    case PN_LINK_FLOW:
        if (pn_link_is_sender(pn_event_link(event))) pump_outbound();
        break;
    case PN_DELIVERY: {
        auto* delivery = pn_event_delivery(event);
        if (pn_link_is_sender(pn_delivery_link(delivery))) on_remote_outcome(delivery);
        else on_incoming(delivery);
        break;
    }
    default: break;
    }
}

} // namespace gantry::bridge
