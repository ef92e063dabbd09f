// COMMIT (1.2 "COMMIT"): the transaction's SENDs go to the engine in the
// order they were sent and its acknowledgements are settled. Nothing it sent
// was visible to anyone before; its RECEIPT leaves once every message is
// stored.
#include "../stomp_session.hpp"

namespace gantry::protocols::stomp {

void stomp_session::handle_commit(const stomp_frame& frame) {
    const auto* name = frame.header("transaction");
    if (!name) return fail("COMMIT without a transaction header", {}, &frame);
    const auto it = transactions_.find(*name);
    if (it == transactions_.end())
        return fail("unknown transaction", "transaction '" + *name + "' is not open", &frame);
    auto tx = std::move(it->second);
    transactions_.erase(it);
    for (const auto& [d, result] : tx.settlements) settle(d, result);
    return_credit();
    std::optional<std::string> receipt;
    if (const auto* r = frame.header("receipt")) receipt = *r;
    const auto reply = reserve_reply(std::move(receipt), tx.sends.size());
    for (auto& msg : tx.sends) append(std::move(msg), reply);
}

} // namespace gantry::protocols::stomp
