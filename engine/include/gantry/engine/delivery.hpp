#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include "gantry/engine/message.hpp"
#include "gantry/engine/stored_record.hpp"

namespace gantry::engine {

// Identifies one delivery of one message, for settling it. A handle from an
// earlier delivery of the same message (after it timed out and came back)
// no longer settles anything.
struct delivery_handle {
    std::string topic; // where the delivered record lies (a retry topic for redeliveries)
    std::int32_t queue_id = 0;
    std::int64_t queue_offset = 0;
    std::uint64_t delivery_id = 0;
};

struct delivery {
    delivery_handle handle;
    message msg;                  // topic restored for redeliveries
    int delivery_count = 1;       // 1 on first delivery; every delivery counts (JMSXDeliveryCount)
    // Deliveries before this one that failed (modified, timed out, or taken
    // by a consumer that left) — released ones do not count: AMQP's
    // header delivery-count.
    int failed_attempts = 0;
    std::int64_t store_timestamp = 0;
    // Where the delivered record lies in the commit log: one record, one
    // offset (its RocketMQ offset msgId, specs §3.6, is made of it).
    std::int64_t physical_offset = 0;
    // For a subscription with body_in_place, the body where it lies in the
    // commit log, and msg.body is empty: a protocol writes it out without a
    // copy. Empty otherwise, and for messages that do not come from the log
    // (retained ones).
    stored_record stored_body;
    // Settled as it was handed over (subscription_options::
    // settle_on_hand_over): the subscriber owes the engine no outcome.
    bool settled = false;
};

// The AMQP outcome set (DESIGN.md): MQTT PUBACK and STOMP ACK map to
// accepted, STOMP NACK to modified.
enum class outcome {
    accepted, // processed: gone for this group
    released, // not processed, no fault: back at once, not a failed attempt
    modified, // failed: redelivered after back-off through the retry topic, count + 1
    rejected, // unprocessable: to the group's dead-letter topic now
};

// Implemented by a protocol session. The engine calls it on the executor of
// the operation_context the subscription was made with.
class delivery_sink {
public:
    virtual ~delivery_sink() = default;
    // By reference, not by value: a delivery is a dozen strings and
    // vectors, handed on by every layer, and each by-value step moves them.
    virtual void deliver(delivery&& d) = 0;
    // The engine ended the subscription (error) or confirms unsubscribe ({}).
    virtual void closed(std::error_code reason) = 0;
};

} // namespace gantry::engine
