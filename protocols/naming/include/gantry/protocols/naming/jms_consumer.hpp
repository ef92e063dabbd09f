#pragma once

#include <cstdint>
#include <string>

#include "gantry/engine/subscription_options.hpp"
#include "gantry/protocols/naming/engine_route.hpp"

namespace gantry::protocols::naming {

// A consumer with JMS semantics, as STOMP and AMQP describe one; every such
// protocol maps it onto the engine the same way (docs/protocol-mapping.md).
struct jms_consumer {
    bool point_to_point = true; // a queue; false: a topic
    engine_route route;
    std::string selector;       // a JMS selector, "" for none
    std::string durable_group;  // a durable topic subscription's group, "" for none
    bool temporary = false;     // a connection's temporary queue: its group ends with it
    std::int64_t log_end = 0;   // engine::facade::log_end() when the consumer subscribed
};

// A queue's consumers share its group (competing, from the queue's earliest
// message, kept while no one listens); consumers with a selector share that
// selector's own group, since the engine filters per group. A topic
// consumer reads from where the log ended when it subscribed, in a private
// group or its durable subscription's.
engine::subscription_options jms_subscription_options(const jms_consumer& consumer);

} // namespace gantry::protocols::naming
