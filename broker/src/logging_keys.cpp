#include "gantry/broker/broker_registry.hpp"
#include "gantry/broker/key_builders.hpp"

namespace gantry::broker {

void register_logging_keys(config_registry& registry) {
    using spdlog::level::level_enum;
    auto add = [&](config_key key) { registry.add("Logging", std::move(key)); };
    add(choice_key(
        "logLevel", "Least severe level that is logged",
        {{"trace", level_enum::trace},
         {"debug", level_enum::debug},
         {"info", level_enum::info},
         {"warn", level_enum::warn},
         {"error", level_enum::err},
         {"critical", level_enum::critical},
         {"off", level_enum::off}},
        [](auto& c) -> auto& { return c.log.level; }));
    add(string_key(
        "logFile",
        "Also log to this file (appended); stderr then shows warnings and errors only. "
        "Empty: log to stderr only",
        [](auto& c) -> auto& { return c.log.file; }));
}

} // namespace gantry::broker
