#include "gantry/protocols/naming/jms_consumer.hpp"

#include "gantry/protocols/naming/topic_names.hpp"

namespace gantry::protocols::naming {

engine::subscription_options jms_subscription_options(const jms_consumer& consumer) {
    engine::subscription_options options;
    options.topic = consumer.route.topic;
    options.mode = engine::delivery_mode::shared;
    options.filter_kind = engine::filter_language::mqtt;
    options.filter = consumer.route.remainder;
    options.selector = consumer.selector;
    options.by_priority = true; // JMS message priority
    if (consumer.point_to_point) {
        const auto name = consumer.route.hierarchical_name();
        options.group = consumer.selector.empty() ? queue_group(name)
                                                  : group_name("GANTRY_QUEUE", {name, consumer.selector});
        options.durable = !consumer.temporary;
        options.start = engine::start_position::earliest();
        return options;
    }
    options.group = consumer.durable_group;
    options.durable = !consumer.durable_group.empty();
    // From where the log ended at the subscribe, not from wherever it ends
    // when the engine first reads for it: a message sent right after the
    // reply to the subscribe must not be missed, nor one sent before it
    // taken (start_position::at_log_position).
    options.start = engine::start_position::at_log_position(consumer.log_end);
    return options;
}

} // namespace gantry::protocols::naming
