#pragma once

#include "gantry/broker/config_registry.hpp"

namespace gantry::broker {

// Every key gantryd understands. A module that brings settings adds a field
// to broker_config, a register_<module>_keys function beside these and one
// call in make_broker_registry(); the file reader, the command line, --help
// and the checks follow from the registration.
config_registry make_broker_registry();

void register_broker_keys(config_registry& registry);  // brokerName, brokerIP1, listenPort, ...
void register_store_keys(config_registry& registry);   // storePathRootDir, flushDiskType, ...
void register_engine_keys(config_registry& registry);  // autoCreateTopicEnable, messageDelayLevel, ...
void register_logging_keys(config_registry& registry); // logLevel, logFile
void register_protocol_keys(config_registry& registry); // remoting.*, mqtt.*

} // namespace gantry::broker
