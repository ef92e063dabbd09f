#include "gantry/broker/config_loader.hpp"

#include "gantry/broker/toml_source.hpp"

namespace gantry::broker {

broker_config load_config(const config_registry& registry, const launch_options& options) {
    broker_config config;
    if (options.config_file) {
        apply_toml_file(registry, config, *options.config_file);
    }
    for (const auto& [name, text] : options.overrides) {
        registry.apply_text(config, name, text, "on the command line");
    }
    registry.finish(config);
    return config;
}

} // namespace gantry::broker
