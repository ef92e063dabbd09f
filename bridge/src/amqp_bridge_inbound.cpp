// Messages in: a transfer on an "in" link is decoded, addressed to the
// link's local destination, marked with the bridge's name (so no bridge of
// this name sends it back) and appended; only once it is stored is it
// accepted, and the link's credit grows by one. A message that cannot be
// stored ends the connection instead, so the remote sends it again; one that
// is no AMQP message is rejected to the remote's dead-letter handling.
#include <fmt/format.h>
#include <proton/condition.h>
#include <proton/disposition.h>

#include "amqp_bridge_session.hpp"
#include "bridge_log.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/amqp/amqp_mapping.hpp"
#include "gantry/protocols/naming/topic_names.hpp"

namespace gantry::bridge {

void amqp_bridge_session::on_incoming(pn_delivery_t* delivery) {
    if (!pn_delivery_readable(delivery) || pn_delivery_partial(delivery)) return; // the rest is on its way
    auto* link = pn_delivery_link(delivery);
    const auto it = std::ranges::find_if(receivers_, [&](const auto& r) { return r.second.link == link; });
    if (it == receivers_.end()) return;
    const auto rule = it->first;
    std::string encoded(pn_delivery_pending(delivery), '\0');
    const auto n = pn_link_recv(link, encoded.data(), encoded.size());
    encoded.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    pn_link_advance(link);
    // Presettled by the remote: nothing to answer, and proton forgets it now.
    const bool answer = !pn_delivery_settled(delivery);
    if (!answer) pn_delivery_settle(delivery);

    auto msg = protocols::amqp::decode_message(std::as_bytes(std::span(encoded)), engine::wall_clock_ms());
    if (!msg) {
        bridge_log()->warn("bridge '{}': a transfer from '{}' at {} is no AMQP message ({}); rejected", name(),
                           config_.links[rule].remote, link_->address(), msg.error().message());
        count_dropped();
        if (answer) {
            auto* condition = pn_disposition_condition(pn_delivery_local(delivery));
            pn_condition_set_name(condition, "amqp:decode-error");
            pn_condition_set_description(condition, msg.error().message().c_str());
            pn_delivery_update(delivery, PN_REJECTED);
            pn_delivery_settle(delivery);
        }
        pn_link_flow(link, 1);
        return;
    }
    if (is_own_echo(*msg)) {
        if (answer) {
            pn_delivery_update(delivery, PN_ACCEPTED);
            pn_delivery_settle(delivery);
        }
        pn_link_flow(link, 1);
        return;
    }
    it->second.destination.route.address(*msg);
    msg->properties.emplace_back(protocols::naming::bridge_hop_property, name());
    count_in(msg->body.size());
    auto weak = std::weak_ptr(std::static_pointer_cast<amqp_bridge_session>(shared_from_this()));
    engine_.append(context(), std::move(*msg),
                   [weak, rule, delivery = answer ? delivery : nullptr,
                    serial = link_serial_](result<engine::append_receipt> r) {
                       if (auto self = weak.lock()) self->on_stored(rule, delivery, serial, r ? std::error_code{} : r.error());
                   });
}

bool amqp_bridge_session::is_own_echo(engine::message& msg) const {
    const auto origin =
        std::ranges::find(msg.properties, origin_property(), &std::pair<std::string, std::string>::first);
    if (origin == msg.properties.end()) return false;
    const bool own = origin->second == client_id();
    msg.properties.erase(origin);
    return own;
}

void amqp_bridge_session::on_stored(std::uint64_t rule, pn_delivery_t* delivery, std::uint64_t link_serial,
                                    std::error_code error) {
    if (link_serial != link_serial_ || !link_) return; // that connection is gone: the remote sends it again
    if (error)
        return fail_link(fmt::format("cannot store a message from {}: {}; reconnecting so that it is sent again",
                                     link_->address(), error.message()));
    if (delivery) {
        pn_delivery_update(delivery, PN_ACCEPTED);
        pn_delivery_settle(delivery);
    }
    if (const auto it = receivers_.find(rule); it != receivers_.end()) pn_link_flow(it->second.link, 1);
    link_->flush();
}

} // namespace gantry::bridge
