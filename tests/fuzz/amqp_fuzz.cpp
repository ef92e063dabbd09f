// Feeds arbitrary bytes to what an AMQP connection runs on them: a
// server-side proton connection driver with Gantry's SASL plugin, whose
// links are all accepted and whose complete deliveries go through the
// message mapping (decode, then encode and decode again to the same
// message). The first byte picks the start: raw bytes (SASL and protocol
// headers included), or already past an AMQP protocol header, so the
// fuzzer spends its time on frames.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <proton/connection.h>
#include <proton/delivery.h>
#include <proton/event.h>
#include <proton/link.h>
#include <proton/session.h>
#include <proton/terminus.h>

#include "gantry/protocols/amqp/proton_driver.hpp"
#include "../../protocols/amqp/src/sasl_authenticator.hpp"
#include "gantry/protocols/amqp/amqp_mapping.hpp"

using namespace gantry::protocols::amqp;

namespace {

void check_mapping(const std::string& encoded) {
    const auto decoded = decode_message(std::as_bytes(std::span(encoded.data(), encoded.size())), 0);
    if (!decoded) {
        if (decoded.error().message().empty()) __builtin_trap();
        return;
    }
    std::string again;
    encode_message(*decoded, 0, 0, again);
    const auto round = decode_message(std::as_bytes(std::span(again.data(), again.size())), 0);
    if (!round || round->body != decoded->body || round->properties != decoded->properties ||
        round->message_id != decoded->message_id)
        __builtin_trap();
}

void handle(pn_event_t* event, std::string& partial) {
    switch (pn_event_type(event)) {
    case PN_CONNECTION_REMOTE_OPEN: pn_connection_open(pn_event_connection(event)); break;
    case PN_SESSION_REMOTE_OPEN: pn_session_open(pn_event_session(event)); break;
    case PN_LINK_REMOTE_OPEN: {
        auto* link = pn_event_link(event);
        pn_terminus_copy(pn_link_source(link), pn_link_remote_source(link));
        pn_terminus_copy(pn_link_target(link), pn_link_remote_target(link));
        pn_link_open(link);
        if (pn_link_is_receiver(link)) pn_link_flow(link, 10);
        break;
    }
    case PN_DELIVERY: {
        auto* delivery = pn_event_delivery(event);
        auto* link = pn_delivery_link(delivery);
        if (!pn_link_is_receiver(link) || !pn_delivery_readable(delivery)) break;
        for (auto pending = pn_delivery_pending(delivery); pending > 0 && partial.size() < (1 << 20);
             pending = pn_delivery_pending(delivery)) {
            const auto size = partial.size();
            partial.resize(size + pending);
            const auto got = pn_link_recv(link, partial.data() + size, pending);
            partial.resize(size + static_cast<std::size_t>(got > 0 ? got : 0));
            if (got <= 0) break;
        }
        if (pn_delivery_partial(delivery)) break;
        check_mapping(partial);
        partial.clear();
        pn_link_advance(link);
        pn_delivery_update(delivery, PN_ACCEPTED);
        pn_delivery_settle(delivery);
        break;
    }
    default: break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool past_header = data[0] & 1;
    auto input = std::as_bytes(std::span(data + 1, size - 1));

    proton_driver driver;
    sasl_authenticator sasl(nullptr);
    if (!past_header) sasl.install(driver.transport());
    driver.bind();
    if (past_header) {
        constexpr std::uint8_t amqp_header[] = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};
        driver.feed(std::as_bytes(std::span(amqp_header)));
    }
    std::string partial;
    std::string output;
    // In pieces, as a socket delivers them.
    while (!input.empty()) {
        const auto piece = input.first(std::min<std::size_t>(input.size(), 97));
        const auto taken = driver.feed(piece);
        while (auto* event = driver.next_event()) handle(event, partial);
        driver.take_output(output);
        output.clear();
        if (taken == 0) break;
        input = input.subspan(taken);
    }
    driver.read_close();
    while (auto* event = driver.next_event()) handle(event, partial);
    driver.take_output(output);
    return 0;
}
