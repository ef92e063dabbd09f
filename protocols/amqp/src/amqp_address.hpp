#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "gantry/engine/result.hpp"

namespace gantry::protocols::amqp {

// Why a terminus address names no destination.
enum class address_errc {
    empty_address = 1, // no address (and not a dynamic terminus)
    empty_name,        // "queue://" or "topic://" with nothing after it
};

const std::error_category& address_category() noexcept;

inline std::error_code make_error_code(address_errc e) noexcept { return {static_cast<int>(e), address_category()}; }

// What a terminus's capabilities say about its address: Qpid JMS and
// Artemis mark a JMS queue "queue" and a JMS topic "topic" (and the
// temporary ones "temporary-queue" / "temporary-topic").
enum class address_capability { none, queue, topic };

// A destination as an AMQP address names it: "queue://orders" and
// "topic://sensors/room1" say which kind; a bare name follows the
// terminus's capability, then `bare_is_topic` (amqp.defaultAddressKind).
// Levels are separated by '/', so "topic://sensors/room1" is the MQTT topic
// "sensors/room1"; subscriptions may use MQTT's '+' and '#'.
struct address {
    bool topic = false;
    std::string name; // without the scheme

    std::string text() const; // "queue://name" or "topic://name"
};

result<address> parse_address(std::string_view text, address_capability capability, bool bare_is_topic);

} // namespace gantry::protocols::amqp

template <>
struct std::is_error_code_enum<gantry::protocols::amqp::address_errc> : std::true_type {};
