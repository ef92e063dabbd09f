// SUBSCRIBE (1.2 "SUBSCRIBE"): one engine subscription per subscription id.
// /queue/x joins the queue's shared, durable group (competing consumers,
// messages kept while nobody listens); /topic/x gets a private group from
// now on, or with a subscription name a durable group that outlives the
// connection; temporary destinations are the connection's own. ack mode,
// selector and prefetch (activemq.prefetchSize) come from the headers.
// The engine filters per consumer group: the consumers of a queue that use
// one selector compete within that selector's own group, which reads the
// whole queue (docs/protocol-mapping.md, "STOMP").
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "gantry/protocols/common/subscription_sink.hpp"
#include "gantry/protocols/naming/jms_consumer.hpp"
#include "gantry/protocols/naming/topic_names.hpp"

#include "../stomp_log.hpp"
#include "../stomp_session.hpp"

namespace gantry::protocols::stomp {

namespace {

// The names ActiveMQ and Artemis accept for a durable subscription.
const std::string* subscription_name(const stomp_frame& frame) {
    for (const auto* name : {"activemq.subscriptionName", "durable-subscription-name", "durable-subscriber-name"})
        if (const auto* value = frame.header(name)) return value;
    return nullptr;
}

} // namespace

result<destination> stomp_session::resolve(destination dest) {
    if (!dest.temporary()) return dest;
    auto [it, added] = temporary_names_.try_emplace(dest.text());
    if (added) it->second = fmt::format("temp-{}-{}", session_id_, temporary_names_.size());
    return destination{dest.kind == destination_kind::temp_queue ? destination_kind::queue : destination_kind::topic,
                       it->second};
}

void stomp_session::handle_subscribe(const stomp_frame& frame) {
    const auto* destination_header = frame.header("destination");
    if (!destination_header) return fail("SUBSCRIBE without a destination header", {}, &frame);
    const auto* id_header = frame.header("id");
    if (!id_header && version_ != stomp_version::v1_0) return fail("SUBSCRIBE without an id header", {}, &frame);
    const std::string id = id_header ? *id_header : *destination_header; // 1.0: the destination names it
    if (subscriptions_.contains(id))
        return fail("duplicate subscription id", "subscription '" + id + "' already exists on this connection", &frame);
    if (subscriptions_.size() >= options_.max_subscriptions)
        return fail("too many subscriptions",
                    fmt::format("a connection may have {} (stomp.maxSubscriptions)", options_.max_subscriptions),
                    &frame);

    auto dest = parse_destination(*destination_header);
    if (!dest) return fail("cannot subscribe to '" + *destination_header + "'", dest.error(), frame);
    auto resolved = resolve(*dest);
    auto route = naming::to_engine_route(resolved->name, stomp_syntax(options_.level_separator), true);
    if (!route) return fail("cannot subscribe to '" + *destination_header + "'", route.error(), frame);
    if (!allowed(security::access_kind::subscribe, route->hierarchical_name())) {
        stomp_log()->info("refusing subscription to '{}' of {}: the ACL does not allow it", *destination_header, who());
        return fail("not authorized", "the ACL does not allow subscribing to '" + *destination_header + "'", &frame);
    }

    auto sub = std::make_shared<subscription_state>();
    sub->local_id = next_subscription_++;
    sub->id = id;
    sub->dest = std::move(*dest);
    sub->destination_header = sub->dest.text();
    sub->route = *route;
    if (const auto* ack = frame.header("ack")) {
        if (*ack == "client") sub->ack = ack_mode::client;
        else if (*ack == "client-individual" && version_ != stomp_version::v1_0) sub->ack = ack_mode::client_individual;
        else if (*ack != "auto")
            return fail("unknown ack mode '" + *ack + "'", "use auto, client or client-individual", &frame);
    }
    int prefetch = options_.prefetch;
    if (const auto* size = frame.header("activemq.prefetchSize")) {
        const auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), prefetch);
        if (ec != std::errc{} || end != size->data() + size->size() || prefetch < 1)
            return fail("activemq.prefetchSize must be a positive number", {}, &frame);
        prefetch = std::min(prefetch, options_.max_prefetch);
    }

    naming::jms_consumer consumer{resolved->point_to_point(), *route, {}, {}, sub->dest.temporary(),
                                  engine_.log_end()};
    if (const auto* selector = frame.header("selector"); selector && !selector->empty()) {
        if (auto problem = engine_.check_filter(engine::filter_language::sql92, *selector))
            return fail("invalid selector", "selector '" + *selector + "': " + *problem, &frame);
        consumer.selector = *selector;
    }
    if (const auto* name = subscription_name(frame); name && !consumer.point_to_point) {
        if (!client_named_)
            return fail("durable subscription without a client-id",
                        "send a client-id header on CONNECT: the durable subscription is named by it and '" + *name +
                            "'",
                        &frame);
        sub->durable_group = naming::durable_subscription_group(client_id_, *name);
        consumer.durable_group = sub->durable_group;
    }
    auto options = naming::jms_subscription_options(consumer);
    options.ack_timeout = options_.delivery_ack_timeout;
    auto engine_id = engine_.subscribe(
        context(), std::move(options),
        std::make_shared<common::subscription_sink<stomp_session>>(conn_.weak_from_this(), *this, sub->local_id));
    if (!engine_id) return fail("cannot subscribe to '" + *destination_header + "'", engine_id.error(), frame);
    sub->engine_id = *engine_id;
    subscriptions_.emplace(id, sub);
    by_local_id_.emplace(sub->local_id, sub);
    engine_.grant_credit(sub->engine_id, prefetch);
    stomp_log()->debug("{} subscribed to '{}' as '{}' (engine topic '{}', filter '{}')", who(), *destination_header,
                       id, route->topic, route->remainder);
    acknowledge(frame);
}

void stomp_session::on_subscription_closed(std::uint64_t subscription, std::error_code reason) {
    if (!reason) return; // our own unsubscribe, confirmed
    const auto it = by_local_id_.find(subscription);
    if (it == by_local_id_.end()) return;
    const auto sub = it->second;
    stomp_log()->warn("the broker ended subscription '{}' of {}: {}", sub->id, who(), reason.message());
    subscriptions_.erase(sub->id);
    by_local_id_.erase(it);
    fail("subscription ended", "the broker ended subscription '" + sub->id + "': " + reason.message());
}

void stomp_session::end_subscriptions() {
    for (const auto& [id, sub] : subscriptions_) engine_.unsubscribe(sub->engine_id);
    subscriptions_.clear();
    by_local_id_.clear();
    outbox_.clear();
    unacked_.clear();
}

} // namespace gantry::protocols::stomp
