#include "logging.hpp"

#include <array>
#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "gantry/broker/startup_error.hpp"

namespace gantry::broker {

namespace {

// One logger per module; a module that logs adds its name here.
constexpr std::array module_names = {std::string_view{"broker"}, std::string_view{"store"},
                                     std::string_view{"core"}, std::string_view{"listener"},
                                     std::string_view{"remoting"}, std::string_view{"remoting-client"},
                                     std::string_view{"namesrv"}, std::string_view{"mqtt"}, std::string_view{"stomp"}, std::string_view{"amqp"},
                                     std::string_view{"bridge"}};

} // namespace

void setup_logging(const log_config& config) {
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    std::vector<spdlog::sink_ptr> sinks{console};
    if (!config.file.empty()) {
        try {
            sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(config.file.string()));
        } catch (const spdlog::spdlog_ex& error) {
            throw startup_error(fmt::format("cannot open logFile '{}': {}", config.file.string(), error.what()));
        }
        // With a log file, stderr keeps only what needs attention.
        console->set_level(spdlog::level::warn);
    }

    for (auto name : module_names) {
        spdlog::register_logger(std::make_shared<spdlog::logger>(std::string(name), sinks.begin(), sinks.end()));
    }
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("gantry", sinks.begin(), sinks.end()));
    spdlog::set_level(config.level);
    spdlog::flush_on(spdlog::level::warn);
    if (!config.file.empty()) {
        spdlog::flush_every(std::chrono::seconds(1));
    }
}

} // namespace gantry::broker
