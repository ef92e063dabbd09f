// TRANSFER from a client: one message (possibly spread over many frames)
// to the link's destination, or, on the anonymous relay, to its `to`. It is
// accepted only once the engine stored it with the configured durability;
// a message the mapping cannot read is rejected (amqp:decode-error), one too
// large ends the link (amqp:link:message-size-exceeded). Pre-settled
// transfers (at-most-once) are appended with no answer. A transfer inside a
// transaction is held until the transaction is discharged. Credit is given
// back as appends complete, and past amqp.maxPendingAppends the connection
// stops reading.
#include <optional>

#include <fmt/format.h>
#include <proton/condition.h>
#include <proton/delivery.h>
#include <proton/disposition.h>
#include <proton/link.h>

#include "gantry/protocols/amqp/amqp_mapping.hpp"
#include "gantry/protocols/naming/topic_names.hpp"

#include "../amqp_log.hpp"
#include "../amqp_session.hpp"
#include "../transaction_state.hpp"

namespace gantry::protocols::amqp {

namespace {

const std::string* property(const engine::message& msg, std::string_view name) {
    for (const auto& [key, value] : msg.properties)
        if (key == name) return &value;
    return nullptr;
}

} // namespace

void amqp_session::on_incoming_delivery(pn_delivery_t* delivery) {
    auto* link = pn_delivery_link(delivery);
    auto* in = find_incoming(link);
    if (in == nullptr || in->closed || !pn_delivery_readable(delivery)) return;
    if (pn_delivery_aborted(delivery)) {
        in->partial.clear();
        pn_delivery_settle(delivery);
        return;
    }
    for (auto pending = pn_delivery_pending(delivery); pending > 0; pending = pn_delivery_pending(delivery)) {
        if (in->partial.size() + pending > options_.max_message_size) {
            in->partial.clear();
            in->closed = true;
            auto* condition = pn_link_condition(link);
            pn_condition_set_name(condition, "amqp:link:message-size-exceeded");
            pn_condition_set_description(
                condition, fmt::format("messages are at most {} bytes (maxMessageSize)", options_.max_message_size)
                               .c_str());
            pn_delivery_settle(delivery);
            pn_link_close(link);
            amqp_log()->info("closing link '{}' of {}: a message over {} bytes", pn_link_name(link), who(),
                             options_.max_message_size);
            return;
        }
        const auto size = in->partial.size();
        in->partial.resize(size + pending);
        const auto got = pn_link_recv(link, in->partial.data() + size, pending);
        in->partial.resize(size + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
        if (got <= 0) break;
    }
    if (pn_delivery_partial(delivery)) return;
    const auto encoded = std::move(in->partial);
    in->partial.clear();
    pn_link_advance(link);
    if (in->coordinator) return on_coordinator_delivery(*in, delivery, encoded);

    // Pre-settled: at-most-once, nobody waits for an answer.
    const bool presettled = pn_delivery_settled(delivery);
    auto msg = decode_message(std::as_bytes(std::span(encoded.data(), encoded.size())), now_ms());
    if (!msg) {
        if (presettled) return pn_delivery_settle(delivery);
        return answer(delivery, PN_REJECTED, "amqp:decode-error", msg.error().message());
    }
    // The link's own route, or (anonymous relay) the one this message's `to` names.
    const naming::engine_route* route = &in->route;
    std::optional<naming::engine_route> relayed;
    if (in->anonymous) {
        const auto* to = property(*msg, to_property);
        auto target = to ? parse_address(*to, address_capability::none, options_.bare_address_is_topic)
                         : result<address>(address_errc::empty_address);
        auto routed = target ? naming::to_engine_route(target->name, naming::mqtt_syntax, false)
                             : result<naming::engine_route>(target.error());
        if (!routed || !allowed(security::access_kind::write, routed->hierarchical_name())) {
            if (presettled) return pn_delivery_settle(delivery);
            return answer(delivery, PN_REJECTED, routed ? "amqp:unauthorized-access" : "amqp:not-found",
                          routed ? "the ACL does not allow sending to '" + *to + "'"
                                 : "a message on the anonymous relay needs a `to` naming a queue or topic: " +
                                       routed.error().message());
        }
        relayed = std::move(*routed);
        route = &*relayed;
    }
    route->address(*msg);

    if (auto* txn = transaction_of(pn_delivery_remote(delivery))) {
        const auto size = encoded.size();
        if (txn->bytes + size > options_.max_transaction_bytes)
            return answer(delivery, PN_REJECTED, "amqp:resource-limit-exceeded",
                          fmt::format("a transaction holds at most {} bytes (amqp.maxTransactionBytes)",
                                      options_.max_transaction_bytes));
        txn->bytes += size;
        txn->sends.push_back(std::move(*msg));
        return answer_in_transaction(delivery);
    }
    if (presettled) pn_delivery_settle(delivery);
    append(*in, presettled ? nullptr : delivery, std::move(*msg));
}

void amqp_session::append(incoming_link& in, pn_delivery_t* delivery, engine::message msg) {
    ++in.pending;
    ++pending_appends_;
    engine_.append(context(), std::move(msg),
                   [this, alive = conn_.weak_from_this(), link = in.link, delivery](result<engine::append_receipt> r) {
                       if (!alive.lock() || closed_) return;
                       --pending_appends_;
                       auto* sender = find_incoming(link);
                       if (sender != nullptr) --sender->pending;
                       if (delivery != nullptr) {
                           if (r && r->durable) answer(delivery, PN_ACCEPTED);
                           else answer(delivery, PN_REJECTED, "amqp:internal-error",
                                       r ? "stored but not flushed to disk within syncFlushTimeout"
                                         : "the broker could not store the message: " + r.error().message());
                       }
                       if (sender != nullptr && sender->closed && sender->pending == 0) incoming_.erase(link);
                       else if (sender != nullptr) top_up_incoming(*sender);
                       if (input_paused_ && pending_appends_ < options_.max_pending_appends / 2) {
                           input_paused_ = false;
                           conn_.resume_input();
                       }
                       // Answers of appends completing together leave in one write.
                       schedule_flush();
                   });
    if (pending_appends_ >= options_.max_pending_appends && !input_paused_) {
        input_paused_ = true;
        conn_.pause_input();
    }
}

void amqp_session::top_up_incoming(incoming_link& in) {
    if (in.closed) return;
    // Half a window used up: give it back whole, one FLOW for many transfers.
    const int credit = pn_link_credit(in.link);
    const int window = in.coordinator ? 16 : options_.incoming_window;
    const int outstanding = credit + static_cast<int>(in.pending);
    if (outstanding <= window / 2) pn_link_flow(in.link, window - outstanding);
}

void amqp_session::answer(pn_delivery_t* delivery, std::uint64_t outcome, const char* condition,
                          const std::string& description) {
    if (condition != nullptr) {
        auto* local = pn_disposition_condition(pn_delivery_local(delivery));
        pn_condition_set_name(local, condition);
        pn_condition_set_description(local, description.c_str());
    }
    pn_delivery_update(delivery, outcome);
    pn_delivery_settle(delivery);
}

} // namespace gantry::protocols::amqp
