// ABORT (1.2 "ABORT"): the transaction's SENDs are dropped and the messages
// it acknowledged go back to their queues at once, to be delivered again.
#include "../stomp_session.hpp"

namespace gantry::protocols::stomp {

void stomp_session::handle_abort(const stomp_frame& frame) {
    const auto* name = frame.header("transaction");
    if (!name) return fail("ABORT without a transaction header", {}, &frame);
    const auto it = transactions_.find(*name);
    if (it == transactions_.end())
        return fail("unknown transaction", "transaction '" + *name + "' is not open", &frame);
    for (const auto& [d, result] : it->second.settlements) settle(d, engine::outcome::released);
    transactions_.erase(it);
    return_credit();
    acknowledge(frame);
}

} // namespace gantry::protocols::stomp
