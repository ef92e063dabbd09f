// Deliveries out: each engine delivery becomes one transfer on its link,
// encoded from the stored message (gantry::amqp_mapping). Unsettled by
// default, the client's outcome settles it in the engine; pre-settled when
// the receiver asked for at-most-once, in which case it counts as accepted
// once handed to proton.
#include <array>
#include <cstring>

#include <proton/delivery.h>
#include <proton/link.h>

#include "gantry/protocols/amqp/amqp_mapping.hpp"

#include "amqp_log.hpp"
#include "amqp_session.hpp"

namespace gantry::protocols::amqp {

void amqp_session::on_delivery(std::uint64_t link, engine::delivery&& d) {
    if (closed_) return;
    const auto it = outgoing_.find(link);
    if (it == outgoing_.end() || it->second.closed) return;
    auto& out = it->second;
    --out.engine_credit;
    // After a drain the client holds no credit: back to the group at once.
    if (pn_link_credit(out.link) <= 0) {
        engine_.settle(out.engine_id, d.handle, engine::outcome::released);
        return;
    }
    send_delivery(out, std::move(d));
    schedule_flush();
}

void amqp_session::send_delivery(outgoing_link& out, engine::delivery&& d) {
    std::array<char, sizeof(next_tag_)> tag;
    std::memcpy(tag.data(), &next_tag_, tag.size());
    ++next_tag_;
    encode_buffer_.clear();
    encode_message(d.msg, static_cast<std::uint32_t>(std::max(d.failed_attempts, 0)), now_ms(), encode_buffer_);
    auto* delivery = pn_delivery(out.link, pn_dtag(tag.data(), tag.size()));
    pn_link_send(out.link, encode_buffer_.data(), encode_buffer_.size());
    pn_link_advance(out.link);
    if (out.presettled) {
        pn_delivery_settle(delivery);
        engine_.settle(out.engine_id, d.handle, engine::outcome::accepted);
        return;
    }
    unsettled_.emplace(delivery, unsettled_delivery{out.id, std::move(d.handle)});
}

void amqp_session::on_subscription_closed(std::uint64_t link, std::error_code reason) {
    if (!reason || closed_) return; // our own unsubscribe, confirmed
    const auto it = outgoing_.find(link);
    if (it == outgoing_.end()) return;
    auto& out = it->second;
    amqp_log()->warn("the broker ended the subscription of link '{}' of {}: {}", pn_link_name(out.link), who(),
                     reason.message());
    out.closed = true;
    std::erase_if(unsettled_, [&](const auto& entry) { return entry.second.link == out.id; });
    auto* condition = pn_link_condition(out.link);
    pn_condition_set_name(condition, "amqp:internal-error");
    pn_condition_set_description(condition, reason.message().c_str());
    pn_link_detach(out.link);
    outgoing_ids_.erase(out.link);
    outgoing_.erase(it);
    schedule_flush();
}

} // namespace gantry::protocols::amqp
