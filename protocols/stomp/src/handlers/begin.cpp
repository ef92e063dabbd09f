// BEGIN (1.2 "BEGIN"): opens a named transaction; SENDs and ACKs naming it
// wait for COMMIT (commit.cpp) or ABORT (abort.cpp).
#include <fmt/format.h>

#include "../stomp_session.hpp"

namespace gantry::protocols::stomp {

void stomp_session::handle_begin(const stomp_frame& frame) {
    const auto* name = frame.header("transaction");
    if (!name) return fail("BEGIN without a transaction header", {}, &frame);
    if (transactions_.contains(*name))
        return fail("transaction already open", "transaction '" + *name + "' was begun before", &frame);
    if (transactions_.size() >= options_.max_transactions)
        return fail("too many transactions",
                    fmt::format("a connection may have {} open (stomp.maxTransactions)", options_.max_transactions),
                    &frame);
    transactions_.emplace(*name, transaction_state{});
    acknowledge(frame);
}

} // namespace gantry::protocols::stomp
