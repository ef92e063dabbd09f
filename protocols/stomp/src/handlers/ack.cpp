// ACK (1.2 "ACK"): the message a MESSAGE frame's ack header names (1.0 and
// 1.1: its message-id) is done; with ack mode client, so is every earlier
// message of its subscription. Settled in the engine now, or at COMMIT when
// the ACK is part of a transaction. NACK (nack.cpp) names messages the same way.
#include <charconv>

#include "../stomp_session.hpp"

namespace gantry::protocols::stomp {

std::vector<stomp_session::unacked_delivery> stomp_session::take_acknowledged(const stomp_frame& frame,
                                                                             std::string& error) {
    std::map<std::uint64_t, unacked_delivery>::iterator named = unacked_.end();
    if (version_ == stomp_version::v1_2) {
        const auto* id = frame.header("id");
        if (!id) {
            error = "the frame has no id header (STOMP 1.2 acknowledges the MESSAGE's ack header)";
            return {};
        }
        std::uint64_t ack_id = 0;
        const auto [end, ec] = std::from_chars(id->data(), id->data() + id->size(), ack_id);
        if (ec == std::errc{} && end == id->data() + id->size()) named = unacked_.find(ack_id);
        if (named == unacked_.end()) {
            error = "no unacknowledged message has ack id '" + *id + "'";
            return {};
        }
    } else {
        const auto* message_id = frame.header("message-id");
        if (!message_id) {
            error = "the frame has no message-id header";
            return {};
        }
        const auto* subscription = frame.header("subscription");
        for (auto it = unacked_.begin(); it != unacked_.end(); ++it) {
            if (it->second.message_id != *message_id) continue;
            if (subscription && it->second.sub->id != *subscription) continue;
            named = it;
            break;
        }
        if (named == unacked_.end()) {
            error = "no unacknowledged message has message-id '" + *message_id + "'";
            return {};
        }
    }
    const auto sub = named->second.sub;
    const auto last = named->first;
    std::vector<unacked_delivery> taken;
    if (sub->ack == ack_mode::client) {
        // Cumulative: everything the subscription received up to this one.
        while (!sub->unacked.empty() && sub->unacked.front() <= last) {
            const auto it = unacked_.find(sub->unacked.front());
            sub->unacked.pop_front();
            if (it == unacked_.end()) continue;
            taken.push_back(std::move(it->second));
            unacked_.erase(it);
        }
        return taken;
    }
    std::erase(sub->unacked, last);
    taken.push_back(std::move(named->second));
    unacked_.erase(named);
    return taken;
}

void stomp_session::settle_named(const stomp_frame& frame, engine::outcome result) {
    transaction_state* tx = nullptr;
    if (const auto* transaction = frame.header("transaction")) {
        const auto it = transactions_.find(*transaction);
        if (it == transactions_.end())
            return fail("unknown transaction", "transaction '" + *transaction + "' is not open", &frame);
        tx = &it->second;
    }
    std::string error;
    auto named = take_acknowledged(frame, error);
    if (!error.empty()) return fail(std::string(command_name(frame.command)) + " names no message", error, &frame);
    for (auto& d : named) {
        if (tx) tx->settlements.emplace_back(std::move(d), result);
        else settle(d, result);
    }
    return_credit();
    acknowledge(frame);
}

void stomp_session::settle(const unacked_delivery& d, engine::outcome result) {
    engine_.settle(d.sub->engine_id, d.handle, result);
    ++d.sub->credit_to_return;
}

void stomp_session::handle_ack(const stomp_frame& frame) { settle_named(frame, engine::outcome::accepted); }

} // namespace gantry::protocols::stomp
