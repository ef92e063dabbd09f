// DISPOSITION from a receiving client: its outcome for a delivery we sent
// settles the engine's delivery. accepted → accepted; released, and modified
// without delivery-failed → released (back at once, count unchanged);
// modified with delivery-failed → modified (redelivered through the retry
// topic with a higher count); rejected → rejected (to the dead-letter
// topic). undeliverable-here cannot exclude one consumer of a group: it is
// read as released. Inside a transaction the outcome waits for the discharge.
#include <proton/delivery.h>
#include <proton/disposition.h>

#include "../amqp_session.hpp"
#include "../transaction_state.hpp"

namespace gantry::protocols::amqp {

namespace {

engine::outcome outcome_of(std::uint64_t state, pn_disposition_t* disposition) {
    switch (state) {
    case PN_ACCEPTED: return engine::outcome::accepted;
    case PN_REJECTED: return engine::outcome::rejected;
    case PN_MODIFIED:
        return pn_disposition_is_failed(disposition) ? engine::outcome::modified : engine::outcome::released;
    default: return engine::outcome::released;
    }
}

} // namespace

void amqp_session::on_outgoing_update(pn_delivery_t* delivery) {
    const auto state = pn_delivery_remote_state(delivery);
    const bool settled = pn_delivery_settled(delivery);
    if (state == 0 && !settled) return; // nothing decided yet
    const auto it = unsettled_.find(delivery);
    if (it == unsettled_.end()) {
        if (settled) pn_delivery_settle(delivery);
        return;
    }
    const auto entry = std::move(it->second);
    unsettled_.erase(it);
    auto* remote = pn_delivery_remote(delivery);
    if (auto* txn = transaction_of(remote)) {
        const auto inner = transactional_outcome(remote);
        txn->settlements.emplace_back(entry, outcome_of(inner.state, remote) == engine::outcome::modified && !inner.failed
                                                 ? engine::outcome::released
                                                 : outcome_of(inner.state, remote));
    } else {
        // Settled with no outcome: the default outcome of a source is released.
        settle(entry, outcome_of(state, remote));
    }
    pn_delivery_settle(delivery);
}

void amqp_session::settle(const unsettled_delivery& d, engine::outcome result) {
    const auto it = outgoing_.find(d.link);
    if (it == outgoing_.end() || it->second.closed) return;
    engine_.settle(it->second.engine_id, d.handle, result);
}

} // namespace gantry::protocols::amqp
