// The transaction coordinator (AMQP 1.0 part 4): declare gives a
// transaction id; transfers and outcomes carrying it are held by the session
// (bounded by amqp.maxTransactionBytes) until discharge. Commit appends the
// held messages in order and settles the held outcomes, and is accepted once
// every message is stored; rollback drops the messages and releases the
// acknowledged deliveries, which are delivered again at once. Nothing sent
// in a transaction is visible to any protocol before the commit.
#include <memory>

#include <fmt/format.h>
#include <proton/delivery.h>
#include <proton/disposition.h>

#include "../amqp_log.hpp"
#include "../amqp_session.hpp"
#include "../transaction_state.hpp"

namespace gantry::protocols::amqp {

amqp_session::transaction_state* amqp_session::transaction_of(pn_disposition_t* state) {
    const auto id = transaction_id_of(state);
    if (!id) return nullptr;
    const auto it = transactions_.find(*id);
    return it == transactions_.end() ? nullptr : &it->second;
}

void amqp_session::answer_in_transaction(pn_delivery_t* delivery) {
    const auto id = transaction_id_of(pn_delivery_remote(delivery));
    set_transactionally_accepted(pn_delivery_local(delivery), *id);
    pn_delivery_update(delivery, transactional_state);
    pn_delivery_settle(delivery);
}

void amqp_session::on_coordinator_delivery(incoming_link& in, pn_delivery_t* delivery, std::string_view encoded) {
    top_up_incoming(in);
    const auto request = read_coordinator_request(encoded);
    if (!request) return answer(delivery, PN_REJECTED, "amqp:decode-error", "expected a declare or a discharge");
    if (request->what == coordinator_request::kind::declare) {
        if (transactions_.size() >= options_.max_transactions)
            return answer(delivery, PN_REJECTED, "amqp:resource-limit-exceeded",
                          fmt::format("a connection may have {} open transactions (amqp.maxTransactions)",
                                      options_.max_transactions));
        const auto id = fmt::format("txn-{}", next_transaction_++);
        transactions_.emplace(id, transaction_state{});
        set_declared(pn_delivery_local(delivery), id);
        pn_delivery_update(delivery, declared_state);
        pn_delivery_settle(delivery);
        return;
    }
    discharge(request->txn_id, request->fail, delivery);
}

void amqp_session::discharge(const std::string& txn_id, bool fail, pn_delivery_t* delivery) {
    const auto it = transactions_.find(txn_id);
    if (it == transactions_.end())
        return answer(delivery, PN_REJECTED, "amqp:transaction:unknown-id",
                      "no transaction '" + txn_id + "' on this connection");
    auto txn = std::move(it->second);
    transactions_.erase(it);
    if (fail) {
        for (const auto& [d, outcome] : txn.settlements) settle(d, engine::outcome::released);
        return answer(delivery, PN_ACCEPTED);
    }
    for (const auto& [d, outcome] : txn.settlements) settle(d, outcome);
    if (txn.sends.empty()) return answer(delivery, PN_ACCEPTED);
    // Accepted once the last append is answered; a failure rejects the discharge.
    struct commit_state {
        std::size_t left = 0;
        std::string failure;
    };
    auto commit = std::make_shared<commit_state>();
    commit->left = txn.sends.size();
    pending_appends_ += txn.sends.size();
    for (auto& msg : txn.sends) {
        engine_.append(context(), std::move(msg),
                       [this, alive = conn_.weak_from_this(), commit, delivery](result<engine::append_receipt> r) {
                           if (!alive.lock() || closed_) return;
                           --pending_appends_;
                           if (commit->failure.empty() && (!r || !r->durable))
                               commit->failure = r ? "stored but not flushed to disk within syncFlushTimeout"
                                                   : r.error().message();
                           if (--commit->left > 0) return;
                           if (commit->failure.empty()) answer(delivery, PN_ACCEPTED);
                           else answer(delivery, PN_REJECTED, "amqp:transaction:rollback",
                                       "the broker could not store every message: " + commit->failure);
                           flush();
                       });
    }
    amqp_log()->debug("{} committed transaction '{}'", who(), txn_id);
}

} // namespace gantry::protocols::amqp
