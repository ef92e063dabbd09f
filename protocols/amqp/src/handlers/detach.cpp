// DETACH: a client ends a link. Closing a link it received on ends that
// engine subscription; unsettled deliveries go back to the group. Closing
// (detach with closed=true) a durable subscription's link also forgets the
// subscription (JMS unsubscribe); a plain detach keeps it collecting
// messages for the next attach with the same container id and link name.
// A link a client sent on is answered once its last pending append is.
#include <proton/link.h>

#include "../amqp_log.hpp"
#include "../amqp_session.hpp"

namespace gantry::protocols::amqp {

void amqp_session::on_link_remote_close(pn_link_t* link, bool closed) {
    if (auto* in = find_incoming(link)) {
        in->closed = true;
        if (in->pending == 0) incoming_.erase(link);
    } else if (auto* out = find_outgoing(link)) {
        end_outgoing(*out, closed);
        outgoing_ids_.erase(link);
        outgoing_.erase(out->id);
    }
    if (closed) pn_link_close(link);
    else pn_link_detach(link);
}

void amqp_session::end_outgoing(outgoing_link& out, bool end_durable) {
    if (out.closed) return;
    out.closed = true;
    if (out.subscribed()) engine_.unsubscribe(out.engine_id);
    std::erase_if(unsettled_, [&](const auto& entry) { return entry.second.link == out.id; });
    if (!end_durable || out.durable_group.empty()) return;
    if (const auto error = engine_.delete_group(context(), out.durable_group)) {
        amqp_log()->warn("{} closed durable subscription '{}' but it stays: {}", who(), pn_link_name(out.link),
                         error.message());
        return;
    }
    amqp_log()->info("{} removed durable subscription '{}'", who(), pn_link_name(out.link));
}

} // namespace gantry::protocols::amqp
