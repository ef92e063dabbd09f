#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <proton/disposition.h>

namespace gantry::protocols::amqp {

// AMQP 1.0 part 4, "Transactions": what the coordinator receives and the
// dispositions that carry a transaction id.
inline constexpr std::uint64_t declared_state = 0x33;      // declared: [txn-id]
inline constexpr std::uint64_t transactional_state = 0x34; // [txn-id, outcome]

// A coordinator message: declare, or discharge of `txn_id` (commit unless `fail`).
struct coordinator_request {
    enum class kind { declare, discharge } what = kind::declare;
    std::string txn_id;
    bool fail = false;
};
// Reads the amqp-value of an encoded coordinator message; nothing when it
// holds neither a declare nor a discharge.
std::optional<coordinator_request> read_coordinator_request(std::string_view encoded);

// The transaction a transfer's or disposition's transactional-state names.
std::optional<std::string> transaction_id_of(pn_disposition_t* state);

// The outcome inside a transactional-state disposition (0 when it has none).
struct inner_outcome {
    std::uint64_t state = 0;
    bool failed = false; // modified's delivery-failed
};
inner_outcome transactional_outcome(pn_disposition_t* state);

// Sets a local disposition to declared(txn_id) / transactional-state(txn_id, accepted).
void set_declared(pn_disposition_t* local, std::string_view txn_id);
void set_transactionally_accepted(pn_disposition_t* local, std::string_view txn_id);

} // namespace gantry::protocols::amqp
