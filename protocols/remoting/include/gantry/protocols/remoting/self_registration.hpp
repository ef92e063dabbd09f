#pragma once

#include "gantry/engine/facade.hpp"
#include "gantry/namesrv/broker_registration.hpp"
#include "gantry/protocols/remoting/remoting_module.hpp"

namespace gantry::protocols::remoting {

// This broker as a name server should know it: its identity as master
// (broker id 0) and every topic of `topics`, with the table's DataVersion.
namesrv::broker_registration self_registration(const engine::topic_table& topics, const broker_identity& identity);

} // namespace gantry::protocols::remoting
