#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gantry/engine/facade.hpp"
#include "gantry/engine/message.hpp"
#include "gantry/engine/result.hpp"
#include "gantry/protocols/mqtt/connect_packet.hpp"
#include "gantry/protocols/mqtt/publish_packet.hpp"

namespace gantry::protocols::mqtt {

// A 5.0 will waiting for its Will Delay Interval (§3.1.3.2.2) after its
// connection ended: published at `due_ms` unless the client connects again
// first. The session keeps it (session_store), so a restart still sends it.
// The will is kept as the PUBLISH it becomes (5.0 encoding), and mapped to
// an engine message only when published: its Message Expiry Interval counts
// from then.
struct delayed_will {
    std::vector<std::byte> publish;
    std::int64_t due_ms = 0; // ms since the epoch
    friend bool operator==(const delayed_will&, const delayed_will&) = default;
};

// The PUBLISH the will of a CONNECT becomes.
publish_packet will_publish(will_message will);
// That PUBLISH kept until `due_ms`.
result<delayed_will> make_delayed_will(const publish_packet& publish, std::int64_t due_ms);
// The engine message a delayed will of `client_id` publishes at `now_ms`.
result<engine::message> will_to_publish(const delayed_will& will, const std::string& client_id, std::int64_t now_ms);
// Stores the will message `msg` of `ctx.client_id` (as its retained message
// too when it was published with RETAIN); `on_published` runs once it is
// stored, a failure is logged.
void publish_will_message(engine::facade& engine, const engine::operation_context& ctx, engine::message msg,
                          std::function<void()> on_published = nullptr);

} // namespace gantry::protocols::mqtt
