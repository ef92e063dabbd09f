// FLOW from a receiving client: its link credit becomes engine credit, so
// the engine hands over no more than the client asked for (at most
// amqp.maxPrefetch at once, and none while the connection's output is over
// budget). A drain request is answered once what the engine had ready went
// out; deliveries that arrive after it go back to the group.
#include <proton/link.h>

#include "../amqp_session.hpp"

namespace gantry::protocols::amqp {

void amqp_session::on_link_flow(pn_link_t* link) {
    auto* out = find_outgoing(link);
    if (out == nullptr) return;
    top_up_outgoing(*out);
    if (!pn_link_get_drain(link)) return;
    // The engine delivers on this executor: what it has ready now arrives
    // before this post runs.
    asio::post(conn_.executor(), [this, alive = conn_.weak_from_this(), id = out->id] {
        if (!alive.lock() || closed_) return;
        const auto it = outgoing_.find(id);
        if (it == outgoing_.end() || !pn_link_get_drain(it->second.link)) return;
        pn_link_drained(it->second.link);
        flush();
    });
}

void amqp_session::top_up_outgoing(outgoing_link& out) {
    if (out.closed || !out.subscribed() || conn_.output_blocked()) return;
    const int wanted = std::min(pn_link_credit(out.link), options_.max_prefetch);
    if (wanted <= out.engine_credit) return;
    engine_.grant_credit(out.engine_id, wanted - out.engine_credit);
    out.engine_credit = wanted;
}

} // namespace gantry::protocols::amqp
