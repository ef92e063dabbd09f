// UNSUBSCRIBE (1.2 "UNSUBSCRIBE"): ends a subscription by id (1.0: by
// destination). Its unacknowledged messages go back to the group. With the
// subscription name header of a durable subscription it also forgets the
// durable subscription and what it had not yet received (JMS unsubscribe);
// without it the durable subscription keeps collecting messages.
#include "gantry/protocols/naming/topic_names.hpp"

#include "../stomp_log.hpp"
#include "../stomp_session.hpp"

namespace gantry::protocols::stomp {

void stomp_session::handle_unsubscribe(const stomp_frame& frame) {
    const auto* id = frame.header("id");
    if (!id && version_ == stomp_version::v1_0) id = frame.header("destination");
    if (!id) return fail("UNSUBSCRIBE without an id header", {}, &frame);
    const auto sub = find_subscription(*id);
    const auto* durable_name = frame.header("activemq.subscriptionName");
    if (!durable_name) durable_name = frame.header("durable-subscription-name");
    if (!sub && !durable_name)
        return fail("unknown subscription", "no subscription '" + *id + "' on this connection", &frame);
    if (sub) {
        engine_.unsubscribe(sub->engine_id);
        for (const auto ack_id : sub->unacked) unacked_.erase(ack_id);
        std::erase_if(outbox_, [&](const auto& queued) { return queued.first == sub; });
        by_local_id_.erase(sub->local_id);
        subscriptions_.erase(sub->id);
    }
    if (durable_name) {
        const auto group = naming::durable_subscription_group(client_id_, *durable_name);
        if (const auto error = engine_.delete_group(context(), group))
            return fail("cannot remove durable subscription '" + *durable_name + "'", error, frame);
        stomp_log()->info("{} removed durable subscription '{}'", who(), *durable_name);
    }
    acknowledge(frame);
}

} // namespace gantry::protocols::stomp
