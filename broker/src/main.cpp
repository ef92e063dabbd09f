// gantryd: the Gantry broker. Reads its configuration, starts the modules,
// runs until SIGINT or SIGTERM and stops cleanly; SIGHUP rereads the
// password, ACL and TLS files. Start-up problems end the
// process with one line on stderr and exit status 2.

#include <csignal>
#include <cstring>
#include <exception>
#include <iostream>
#include <variant>

#include <spdlog/spdlog.h>

#include "application.hpp"
#include "gantry/broker/broker_registry.hpp"
#include "gantry/broker/config_loader.hpp"
#include "gantry/broker/startup_error.hpp"
#include "logging.hpp"
#include "process_signals.hpp"

namespace {

using namespace gantry::broker;

constexpr int exit_startup_failure = 2;

void log_effective_config(const config_registry& registry, const broker_config& config) {
    auto log = spdlog::get("broker");
    for (const auto& key : registry.keys()) {
        log->debug("{} = {}", key.name, to_toml_text(key.read(config)));
    }
}

int run(int argc, char** argv, process_signals& signals) {
    broker_config config;
    try {
        const auto registry = make_broker_registry();
        auto parsed = parse_command_line(registry, argc, argv, std::cout);
        if (const auto* exit_code = std::get_if<int>(&parsed)) {
            return *exit_code;
        }
        config = load_config(registry, std::get<launch_options>(parsed));
        setup_logging(config.log);
        log_effective_config(registry, config);
    } catch (const startup_error& error) {
        // Logging is not set up yet: speak to stderr directly.
        std::cerr << "gantryd: " << error.what() << '\n';
        return exit_startup_failure;
    }

    auto log = spdlog::get("broker");
    application app(config);
    try {
        app.start();
    } catch (const startup_error& error) {
        log->error("{}", error.what());
        return exit_startup_failure;
    }

    int signal_number = signals.wait();
    for (; signal_number == SIGHUP; signal_number = signals.wait()) {
        log->info("received SIGHUP, reloading the password, ACL and TLS files");
        app.reload_files();
    }
    log->info("received SIG{}, stopping", sigabbrev_np(signal_number));
    app.stop();
    log->info("stopped cleanly");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    process_signals signals;
    int status = 1;
    try {
        status = run(argc, argv, signals);
    } catch (const std::exception& error) {
        std::cerr << "gantryd: fatal: " << error.what() << '\n';
    }
    spdlog::shutdown();
    return status;
}
