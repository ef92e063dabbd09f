// MESSAGE frames out. Each subscription holds at most its prefetch in engine
// credit, so what waits here is bounded. With ack mode auto a message is
// settled once written and its credit returns at once; with client and
// client-individual it stays unacknowledged, holding its credit, until ACK
// or NACK: a subscriber that stops acknowledging stops receiving. While the
// connection's output is over budget nothing is written and no credit goes
// back: messages wait in the log, not in memory.
#include "stomp_session.hpp"

namespace gantry::protocols::stomp {

void stomp_session::on_delivery(std::uint64_t subscription, engine::delivery&& d) {
    const auto it = by_local_id_.find(subscription);
    if (closed_ || it == by_local_id_.end()) return; // unsubscribed: the engine forgets it with the group
    outbox_.emplace_back(it->second, std::move(d));
    drain_deliveries();
}

void stomp_session::drain_deliveries() {
    while (!outbox_.empty() && !closed_ && !closing_ && !conn_.output_blocked()) {
        auto [sub, d] = std::move(outbox_.front());
        outbox_.pop_front();
        send_message(std::move(sub), std::move(d));
    }
    return_credit();
}

void stomp_session::send_message(std::shared_ptr<subscription_state> sub, engine::delivery&& d) {
    auto handle = d.handle;
    auto message_id = sub->ack == ack_mode::automatic ? std::string() : d.msg.message_id; // 1.0/1.1 ACK by it
    auto destination = sub->route.wildcard ? (sub->dest.point_to_point() ? "/queue/" : "/topic/") +
                                                 destination_name(d.msg, options_.level_separator)
                                           : sub->destination_header;
    auto frame = to_message_frame(std::move(d), std::move(destination));
    frame.add("subscription", sub->id);
    if (sub->ack == ack_mode::automatic) {
        send(frame);
        engine_.settle(sub->engine_id, handle, engine::outcome::accepted);
        ++sub->credit_to_return;
        return;
    }
    const auto ack_id = next_ack_id_++;
    frame.add("ack", std::to_string(ack_id));
    send(frame);
    sub->unacked.push_back(ack_id);
    unacked_.emplace(ack_id, unacked_delivery{std::move(sub), std::move(handle), std::move(message_id)});
}

void stomp_session::return_credit() {
    if (closed_ || conn_.output_blocked()) return;
    for (const auto& [id, sub] : subscriptions_) {
        if (sub->credit_to_return <= 0) continue;
        engine_.grant_credit(sub->engine_id, sub->credit_to_return);
        sub->credit_to_return = 0;
    }
}

std::shared_ptr<stomp_session::subscription_state> stomp_session::find_subscription(std::string_view id) const {
    const auto it = subscriptions_.find(id);
    return it == subscriptions_.end() ? nullptr : it->second;
}

} // namespace gantry::protocols::stomp
