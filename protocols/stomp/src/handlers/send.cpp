// SEND (1.2 "SEND"): the destination and headers mapped onto an engine
// message (stomp_mapping), appended at once or held by its transaction
// until COMMIT (stomp_session_replies.cpp appends and answers).
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
    auto route = naming::to_engine_route(resolved->name, stomp_syntax(options_.level_separator), false);
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

} // namespace gantry::protocols::stomp
