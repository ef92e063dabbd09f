#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/mqtt/mqtt_module.hpp"
#include "session_store.hpp"

namespace gantry::protocols::mqtt {

class session_registry;

// What every session of one module shares. The module owns it and outlives
// its sessions, which hold one reference to it rather than one per part
// (issue #5: broker memory per idle connection).
struct module_state {
    module_state(engine::facade& facade, mqtt_options module_options, mqtt_access module_access,
                 std::shared_ptr<session_registry> wills_and_holders, std::shared_ptr<session_store> store)
        : engine(facade),
          options(std::move(module_options)),
          access(std::move(module_access)),
          registry(std::move(wills_and_holders)),
          sessions(std::move(store)) {}

    engine::facade& engine;
    const mqtt_options options;
    const mqtt_access access;
    // Shared with delayed wills, which may outlive every session.
    std::shared_ptr<session_registry> registry;
    std::shared_ptr<session_store> sessions;
    mqtt_counters counters;
    // The share QoS 2 deliveries each session owned (by client id) when the
    // module started, read before it serves: after a crash the engine may
    // hand one to any member of the share, and only its owner may send it
    // (mqtt_session::owned_place).
    std::map<delivery_place, std::string> owned_at_start;
};

} // namespace gantry::protocols::mqtt
