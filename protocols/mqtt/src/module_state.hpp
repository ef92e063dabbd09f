#pragma once

#include <memory>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/mqtt/mqtt_module.hpp"

namespace gantry::protocols::mqtt {

class session_registry;
class session_store;

// What every session of one module shares. The module owns it and outlives
// its sessions, which hold one reference to it rather than one per part
// (issue #5: broker memory per idle connection).
struct module_state {
    engine::facade& engine;
    const mqtt_options options;
    const mqtt_access access;
    // Shared with delayed wills, which may outlive every session.
    std::shared_ptr<session_registry> registry;
    std::shared_ptr<session_store> sessions;
    mqtt_counters counters;
};

} // namespace gantry::protocols::mqtt
