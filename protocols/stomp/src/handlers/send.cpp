// SEND (1.2 "SEND"): the destination and headers mapped onto an engine
// message (stomp_mapping), appended at once or held by its transaction
// until COMMIT. A RECEIPT leaves only once the engine stored the message,
// and receipts leave in frame order.
#include <fmt/format.h>

#include "gantry/protocols/naming/topic_names.hpp"

#include "../stomp_log.hpp"
#include "../stomp_session.hpp"

namespace gantry::protocols::stomp {

result<engine::message> stomp_session::map_send(stomp_frame& frame) {
    const auto* header = frame.header("destination");
    if (!header) return mapping_errc::empty_destination;
    auto dest = parse_destination(*header);
    if (!dest) return dest.error();
    auto resolved = resolve(std::move(*dest));
    if (!resolved) return resolved.error();
    auto route = to_engine_route(resolved->name, options_.level_separator, false);
    if (!route) return route.error();
    const auto resolve_reply_to = [this](std::string_view reply_to) {
        auto parsed = parse_destination(reply_to);
        if (!parsed || !parsed->temporary()) return std::string(reply_to);
        return resolve(std::move(*parsed)).value().text();
    };
    auto msg = to_engine_message(std::move(frame), *route, resolve_reply_to);
    if (msg) msg->born_time_ms = now_ms();
    return msg;
}

void stomp_session::handle_send(stomp_frame& frame) {
    const auto* destination_header = frame.header("destination");
    if (!destination_header) return fail("SEND without a destination header", {}, &frame);
    const std::string destination = *destination_header;
    std::optional<std::string> receipt;
    if (const auto* r = frame.header("receipt")) receipt = *r;
    std::optional<std::string> transaction;
    if (const auto* t = frame.header("transaction")) transaction = *t;
    const auto headers_and_body = frame.body.size() + frame.headers.size() * 32;

    auto msg = map_send(frame);
    if (!msg) return fail("cannot send to '" + destination + "'", msg.error().message(), &frame);
    if (!allowed(security::access_kind::write, naming::to_hierarchical_name(*msg))) {
        stomp_log()->info("refusing a SEND of {} to '{}': the ACL does not allow it", who(), destination);
        return fail("not authorized", "the ACL does not allow sending to '" + destination + "'", &frame);
    }
    if (transaction) {
        const auto tx = transactions_.find(*transaction);
        if (tx == transactions_.end())
            return fail("unknown transaction", "SEND names transaction '" + *transaction + "', which is not open",
                        &frame);
        tx->second.bytes += headers_and_body;
        if (tx->second.bytes > options_.max_transaction_bytes)
            return fail("transaction too large",
                        fmt::format("transaction '{}' holds more than {} bytes (stomp.maxTransactionBytes); commit "
                                    "smaller transactions",
                                    *transaction, options_.max_transaction_bytes));
        tx->second.sends.push_back(std::move(*msg));
        if (receipt) acknowledge_receipt(std::move(*receipt));
        return;
    }
    append(std::move(*msg), reserve_reply(std::move(receipt), 1));
}

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
