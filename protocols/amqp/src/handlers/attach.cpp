// ATTACH: a client opens a link. Sending to us (our receiver): messages for
// one destination, or, with no target address, each to its own `to` (the
// anonymous relay); a coordinator target opens the transaction coordinator.
// Receiving from us (our sender): one engine subscription per link, shaped
// by JMS semantics (naming::jms_subscription_options): a queue's shared
// group, a private group from now on for a topic, a durable subscription
// named by the container id and the link name, or a temporary queue for a
// dynamic source. A receiving link with no source address looks up the
// durable subscription of its name (Qpid JMS's unsubscribe attaches so, then
// closes the link): answered with the subscription's topic, it delivers
// nothing, and closing it ends the subscription. Every refusal is an attach
// with no terminus followed by a detach carrying the condition, as the
// specification asks.
#include <fmt/format.h>
#include <proton/codec.h>
#include <proton/condition.h>
#include <proton/link.h>
#include <proton/terminus.h>

#include "gantry/protocols/common/subscription_sink.hpp"
#include "gantry/protocols/naming/jms_consumer.hpp"
#include "gantry/protocols/naming/topic_names.hpp"

#include "../amqp_log.hpp"
#include "../amqp_session.hpp"
#include "../terminus_filter.hpp"

namespace gantry::protocols::amqp {

namespace {

address_capability capability_of(pn_terminus_t* terminus) {
    auto* capabilities = pn_terminus_capabilities(terminus);
    pn_data_rewind(capabilities);
    auto symbols = [&](auto&& each) {
        if (!pn_data_next(capabilities)) return;
        if (pn_data_type(capabilities) == PN_SYMBOL) return each(pn_data_get_symbol(capabilities));
        if (pn_data_type(capabilities) != PN_ARRAY) return;
        pn_data_enter(capabilities);
        while (pn_data_next(capabilities))
            if (pn_data_type(capabilities) == PN_SYMBOL) each(pn_data_get_symbol(capabilities));
        pn_data_exit(capabilities);
    };
    auto result = address_capability::none;
    symbols([&](pn_bytes_t symbol) {
        const std::string_view name(symbol.start, symbol.size);
        if (name == "queue" || name == "temporary-queue") result = address_capability::queue;
        if (name == "topic" || name == "temporary-topic") result = address_capability::topic;
    });
    return result;
}

std::string address_of(pn_terminus_t* terminus) {
    const char* text = pn_terminus_get_address(terminus);
    return text ? text : "";
}

} // namespace

void amqp_session::on_link_remote_open(pn_link_t* link) {
    if (incoming_.size() + outgoing_.size() >= options_.max_links)
        return refuse_link(link, "amqp:resource-limit-exceeded",
                           fmt::format("a connection may have {} links (amqp.maxLinks)", options_.max_links));
    if (pn_link_is_sender(link)) return open_outgoing(link);
    if (pn_terminus_get_type(pn_link_remote_target(link)) == PN_COORDINATOR) return open_coordinator(link);
    open_incoming(link);
}

void amqp_session::refuse_link(pn_link_t* link, const char* condition, const std::string& description) {
    amqp_log()->info("refusing link '{}' of {}: {} ({})", pn_link_name(link), who(), description, condition);
    // No local terminus: the client learns the attach failed.
    pn_link_open(link);
    auto* local = pn_link_condition(link);
    pn_condition_set_name(local, condition);
    pn_condition_set_description(local, description.c_str());
    pn_link_close(link);
}

void amqp_session::open_incoming(pn_link_t* link) {
    incoming_link in;
    in.link = link;
    const auto text = address_of(pn_link_remote_target(link));
    if (text.empty()) {
        in.anonymous = true;
    } else {
        auto target = parse_address(text, capability_of(pn_link_remote_target(link)), options_.bare_address_is_topic);
        if (!target) return refuse_link(link, "amqp:not-found", "'" + text + "': " + target.error().message());
        auto route = naming::to_engine_route(target->name, naming::mqtt_syntax, false);
        if (!route) return refuse_link(link, "amqp:not-found", "'" + text + "': " + route.error().message());
        if (!allowed(security::access_kind::write, route->hierarchical_name()))
            return refuse_link(link, "amqp:unauthorized-access", "the ACL does not allow sending to '" + text + "'");
        in.target = std::move(*target);
        in.route = std::move(*route);
    }
    pn_terminus_copy(pn_link_target(link), pn_link_remote_target(link));
    pn_terminus_copy(pn_link_source(link), pn_link_remote_source(link));
    pn_link_set_max_message_size(link, options_.max_message_size);
    pn_link_open(link);
    auto& added = incoming_.emplace(link, std::move(in)).first->second;
    top_up_incoming(added);
    amqp_log()->debug("{} sends on link '{}' to '{}'", who(), pn_link_name(link), text);
}

void amqp_session::open_coordinator(pn_link_t* link) {
    incoming_link in;
    in.link = link;
    in.coordinator = true;
    pn_terminus_copy(pn_link_target(link), pn_link_remote_target(link));
    pn_terminus_copy(pn_link_source(link), pn_link_remote_source(link));
    pn_link_open(link);
    top_up_incoming(incoming_.emplace(link, std::move(in)).first->second);
}

void amqp_session::open_subscription_lookup(pn_link_t* link) {
    const auto group = naming::durable_subscription_group(container_id_, pn_link_name(link));
    const auto topics = engine_.group_topics(group);
    if (topics.empty())
        return refuse_link(link, "amqp:not-found",
                           fmt::format("no durable subscription '{}' for container '{}'", pn_link_name(link),
                                       container_id_));
    outgoing_link out;
    out.id = next_link_++;
    out.link = link;
    out.source = address{true, naming::decode_first_level(topics.front())};
    out.durable_group = group;
    auto* source = pn_link_source(link);
    pn_terminus_set_type(source, PN_SOURCE);
    pn_terminus_set_address(source, out.source.text().c_str());
    pn_terminus_set_durability(source, PN_DELIVERIES);
    pn_terminus_set_expiry_policy(source, PN_EXPIRE_NEVER);
    pn_terminus_copy(pn_link_target(link), pn_link_remote_target(link));
    pn_link_open(link);
    outgoing_ids_.emplace(link, out.id);
    outgoing_.emplace(out.id, std::move(out));
    amqp_log()->debug("{} looked up durable subscription '{}'", who(), pn_link_name(link));
}

void amqp_session::open_outgoing(pn_link_t* link) {
    auto* remote_source = pn_link_remote_source(link);
    // Qpid JMS's unsubscribe: no source, only the subscription's link name.
    if (!pn_terminus_is_dynamic(remote_source) &&
        (pn_terminus_get_type(remote_source) == PN_UNSPECIFIED || address_of(remote_source).empty()))
        return open_subscription_lookup(link);
    outgoing_link out;
    out.id = next_link_++;
    out.link = link;
    naming::jms_consumer consumer;
    consumer.log_end = engine_.log_end();
    const bool dynamic = pn_terminus_is_dynamic(remote_source);
    if (dynamic) {
        // A temporary queue, which anyone may send to until the connection ends.
        out.source = address{false, fmt::format("temp-{}-{}", session_id_, next_temporary_++)};
        consumer.temporary = true;
    } else {
        auto source = parse_address(address_of(remote_source), capability_of(remote_source),
                                    options_.bare_address_is_topic);
        if (!source)
            return refuse_link(link, "amqp:not-found",
                               "'" + address_of(remote_source) + "': " + source.error().message());
        out.source = std::move(*source);
    }
    const auto text = out.source.text();
    auto route = naming::to_engine_route(out.source.name, naming::mqtt_syntax, true);
    if (!route) return refuse_link(link, "amqp:not-found", "'" + text + "': " + route.error().message());
    if (!allowed(security::access_kind::subscribe, route->hierarchical_name()))
        return refuse_link(link, "amqp:unauthorized-access", "the ACL does not allow receiving from '" + text + "'");
    consumer.point_to_point = !out.source.topic;
    consumer.route = std::move(*route);

    terminus_filter filter;
    if (auto refusal = read_terminus_filter(pn_terminus_filter(remote_source), filter))
        return refuse_link(link, refusal->condition, refusal->description);
    if (!filter.selector.empty()) {
        if (auto problem = engine_.check_filter(engine::filter_language::sql92, filter.selector))
            return refuse_link(link, "amqp:invalid-field", "selector '" + filter.selector + "': " + *problem);
        consumer.selector = filter.selector;
    }
    const bool durable = pn_terminus_get_durability(remote_source) != PN_NONDURABLE &&
                         pn_terminus_get_expiry_policy(remote_source) == PN_EXPIRE_NEVER;
    if (durable && out.source.topic) {
        out.durable_group = naming::durable_subscription_group(container_id_, pn_link_name(link));
        consumer.durable_group = out.durable_group;
    }
    auto options = naming::jms_subscription_options(consumer);
    options.ack_timeout = options_.delivery_ack_timeout;
    auto engine_id = engine_.subscribe(
        context(), std::move(options),
        std::make_shared<common::subscription_sink<amqp_session>>(conn_.weak_from_this(), *this, out.id));
    if (!engine_id) return refuse_link(link, "amqp:internal-error", "'" + text + "': " + engine_id.error().message());
    out.engine_id = *engine_id;
    out.presettled = pn_link_remote_snd_settle_mode(link) == PN_SND_SETTLED;

    auto* local_source = pn_link_source(link);
    pn_terminus_copy(local_source, remote_source);
    write_terminus_filter(pn_terminus_filter(local_source), filter);
    if (dynamic) {
        pn_terminus_set_address(local_source, out.source.name.c_str());
        pn_terminus_set_dynamic(local_source, true);
    }
    pn_terminus_copy(pn_link_target(link), pn_link_remote_target(link));
    pn_link_set_snd_settle_mode(link, pn_link_remote_snd_settle_mode(link));
    pn_link_open(link);
    outgoing_ids_.emplace(link, out.id);
    auto& added = outgoing_.emplace(out.id, std::move(out)).first->second;
    amqp_log()->debug("{} receives on link '{}' from '{}'{}", who(), pn_link_name(link), text,
                      added.durable_group.empty() ? "" : " (durable subscription)");
    top_up_outgoing(added);
}

} // namespace gantry::protocols::amqp
