#include "transaction_state.hpp"

#include <memory>

#include <proton/codec.h>

#include "proton_data.hpp"

namespace gantry::protocols::amqp {

namespace {

constexpr std::uint64_t amqp_value_section = 0x77;
constexpr std::uint64_t declare_body = 0x31;
constexpr std::uint64_t discharge_body = 0x32;


// At a described value: its descriptor's code, whether the sender used the
// numeric or the symbolic form (0 for neither).
std::uint64_t descriptor_of(pn_data_t* data) {
    if (pn_data_type(data) != PN_DESCRIBED) return 0;
    pn_data_enter(data);
    std::uint64_t code = 0;
    if (pn_data_next(data)) {
        if (pn_data_type(data) == PN_ULONG) {
            code = pn_data_get_ulong(data);
        } else if (pn_data_type(data) == PN_SYMBOL) {
            const auto symbol = pn_data_get_symbol(data);
            const std::string_view name(symbol.start, symbol.size);
            if (name == "amqp:amqp-value:*") code = amqp_value_section;
            if (name == "amqp:declare:list") code = declare_body;
            if (name == "amqp:discharge:list") code = discharge_body;
            if (name == "amqp:accepted:list") code = PN_ACCEPTED;
            if (name == "amqp:modified:list") code = PN_MODIFIED;
            if (name == "amqp:rejected:list") code = PN_REJECTED;
            if (name == "amqp:released:list") code = PN_RELEASED;
        }
    }
    pn_data_exit(data);
    return code;
}

std::string binary_text(pn_bytes_t bytes) { return {bytes.start, bytes.size}; }

} // namespace

std::optional<coordinator_request> read_coordinator_request(std::string_view encoded) {
    proton_data data(pn_data(0));
    while (!encoded.empty()) {
        pn_data_clear(data.get());
        const auto used = pn_data_decode(data.get(), encoded.data(), encoded.size());
        if (used <= 0) return std::nullopt;
        encoded.remove_prefix(static_cast<std::size_t>(used));
        pn_data_rewind(data.get());
        if (!pn_data_next(data.get()) || descriptor_of(data.get()) != amqp_value_section) continue;
        pn_data_enter(data.get());
        pn_data_next(data.get()); // the section's descriptor
        if (!pn_data_next(data.get())) return std::nullopt;
        const auto body = descriptor_of(data.get());
        if (body != declare_body && body != discharge_body) return std::nullopt;
        coordinator_request request;
        if (body == declare_body) return request;
        request.what = coordinator_request::kind::discharge;
        pn_data_enter(data.get());
        pn_data_next(data.get()); // descriptor
        if (!pn_data_next(data.get()) || pn_data_type(data.get()) != PN_LIST) return std::nullopt;
        pn_data_enter(data.get());
        if (!pn_data_next(data.get()) || pn_data_type(data.get()) != PN_BINARY) return std::nullopt;
        request.txn_id = binary_text(pn_data_get_binary(data.get()));
        if (pn_data_next(data.get()) && pn_data_type(data.get()) == PN_BOOL) request.fail = pn_data_get_bool(data.get());
        return request;
    }
    return std::nullopt;
}

std::optional<std::string> transaction_id_of(pn_disposition_t* state) {
    if (pn_disposition_type(state) != transactional_state) return std::nullopt;
    auto* data = pn_disposition_data(state);
    pn_data_rewind(data);
    if (!pn_data_next(data) || pn_data_type(data) != PN_LIST) return std::nullopt;
    pn_data_enter(data);
    std::optional<std::string> id;
    if (pn_data_next(data) && pn_data_type(data) == PN_BINARY) id = binary_text(pn_data_get_binary(data));
    pn_data_exit(data);
    return id;
}

inner_outcome transactional_outcome(pn_disposition_t* state) {
    auto* data = pn_disposition_data(state);
    pn_data_rewind(data);
    inner_outcome outcome;
    if (!pn_data_next(data) || pn_data_type(data) != PN_LIST) return outcome;
    pn_data_enter(data);
    if (pn_data_next(data) && pn_data_next(data)) {
        outcome.state = descriptor_of(data);
        if (outcome.state == PN_MODIFIED) {
            pn_data_enter(data);
            pn_data_next(data);
            if (pn_data_next(data) && pn_data_type(data) == PN_LIST) {
                pn_data_enter(data);
                if (pn_data_next(data) && pn_data_type(data) == PN_BOOL) outcome.failed = pn_data_get_bool(data);
                pn_data_exit(data);
            }
            pn_data_exit(data);
        }
    }
    pn_data_exit(data);
    return outcome;
}

void set_declared(pn_disposition_t* local, std::string_view txn_id) {
    auto* data = pn_disposition_data(local);
    pn_data_clear(data);
    pn_data_put_list(data);
    pn_data_enter(data);
    pn_data_put_binary(data, pn_bytes(txn_id.size(), txn_id.data()));
    pn_data_exit(data);
}

void set_transactionally_accepted(pn_disposition_t* local, std::string_view txn_id) {
    auto* data = pn_disposition_data(local);
    pn_data_clear(data);
    pn_data_put_list(data);
    pn_data_enter(data);
    pn_data_put_binary(data, pn_bytes(txn_id.size(), txn_id.data()));
    pn_data_put_described(data);
    pn_data_enter(data);
    pn_data_put_ulong(data, PN_ACCEPTED);
    pn_data_put_list(data);
    pn_data_exit(data);
    pn_data_exit(data);
}

} // namespace gantry::protocols::amqp
