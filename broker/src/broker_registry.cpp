#include "gantry/broker/broker_registry.hpp"

namespace gantry::broker {

config_registry make_broker_registry() {
    config_registry registry;
    register_broker_keys(registry);
    register_store_keys(registry);
    register_engine_keys(registry);
    register_protocol_keys(registry);
    register_logging_keys(registry);
    return registry;
}

} // namespace gantry::broker
