// Appends and the answers that wait for them. A RECEIPT leaves only once
// the engine stored what its frame sent (a SEND, a COMMIT's SENDs), and
// every RECEIPT leaves in frame order, so a receipt for a later frame never
// overtakes a SEND still being stored. Appends in flight are bounded: past
// stomp.maxPendingSends the session stops reading.
#include "stomp_session.hpp"

namespace gantry::protocols::stomp {

void stomp_session::append(engine::message msg, std::size_t reply) {
    ++pending_appends_;
    engine_.append(context(), std::move(msg),
                   [weak = conn_.weak_from_this(), this, reply](result<engine::append_receipt> r) {
                       if (auto alive = weak.lock()) on_appended(reply, r);
                   });
    // Bounded: past max_pending_sends appends in flight, stop reading.
    if (pending_appends_ >= options_.max_pending_sends && !input_paused_) {
        input_paused_ = true;
        conn_.pause_input();
    }
}

void stomp_session::on_appended(std::size_t reply, const result<engine::append_receipt>& receipt) {
    --pending_appends_;
    if (closed_) return;
    // Stored but not flushed within syncFlushTimeout is no receipt either:
    // a crash could still lose it.
    if (!receipt || !receipt->durable) {
        return fail("the broker could not store a message",
                    receipt ? std::string("not flushed to disk within syncFlushTimeout") : receipt.error().message());
    }
    --replies_[reply - replies_done_].appends_left;
    flush_replies();
    if (input_paused_ && !closing_ && pending_appends_ < options_.max_pending_sends) {
        input_paused_ = false;
        conn_.resume_input();
    }
}

std::size_t stomp_session::reserve_reply(std::optional<std::string> receipt_id, std::size_t appends) {
    replies_.push_back({appends, std::move(receipt_id), false});
    const auto index = replies_done_ + replies_.size() - 1;
    flush_replies();
    return index;
}

void stomp_session::acknowledge_receipt(std::string receipt_id) { reserve_reply(std::move(receipt_id), 0); }

void stomp_session::acknowledge(const stomp_frame& frame) {
    if (const auto* receipt = frame.header("receipt")) acknowledge_receipt(*receipt);
}

void stomp_session::flush_replies() {
    while (!replies_.empty() && replies_.front().appends_left == 0 && !closed_) {
        auto reply = std::move(replies_.front());
        replies_.pop_front();
        ++replies_done_;
        if (reply.disconnect) {
            // Done before the RECEIPT: a client that saw it knows its
            // subscriptions ended (a durable one's position is saved).
            transactions_.clear();
            end_subscriptions();
        }
        if (reply.receipt_id) {
            stomp_frame receipt;
            receipt.command = stomp_command::receipt;
            receipt.add("receipt-id", std::move(*reply.receipt_id));
            send(receipt);
        }
        if (reply.disconnect) {
            closing_ = true;
            close_reason_ = "DISCONNECT";
            heartbeat_timer_.cancel();
            if (!consuming_) conn_.close_after_flush(close_reason_);
            return;
        }
    }
}

} // namespace gantry::protocols::stomp
