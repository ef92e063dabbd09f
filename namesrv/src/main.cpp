// gantry-namesrv: Gantry's RocketMQ-compatible name server. Listens until
// SIGINT or SIGTERM and stops cleanly (exit 0); bad arguments, a corrupt KV
// file or a port in use end start-up with one line on stderr (exit 2).

#include <csignal>
#include <exception>
#include <iostream>
#include <memory>
#include <string_view>
#include <utility> // before Asio (engine/asio.hpp explains)
#include <variant>

#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "command_line.hpp"
#include "gantry/namesrv/broker_expiry.hpp"
#include "gantry/namesrv/name_server.hpp"
#include "gantry/namesrv/namesrv_module.hpp"
#include "gantry/protocols/common/io_pool.hpp"
#include "gantry/protocols/common/tcp_listener.hpp"

namespace {

using namespace gantry;
using namespace gantry::namesrv;

constexpr int exit_startup_failure = 2;

int refuse_start(std::string_view why) {
    std::cerr << "gantry-namesrv: " << why << '\n';
    return exit_startup_failure;
}

// One logger per module that logs here, all to stderr.
void setup_logging(spdlog::level::level_enum level) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    for (const char* name : {"namesrv", "listener"}) {
        spdlog::register_logger(std::make_shared<spdlog::logger>(name, sink));
    }
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("gantry-namesrv", sink));
    spdlog::set_level(level);
    spdlog::flush_on(spdlog::level::warn);
}

int run(int argc, char** argv, asio::io_context& main_context, asio::signal_set& signals) {
    auto parsed = parse_command_line(argc, argv, std::cout);
    if (const auto* exit = std::get_if<command_line_exit>(&parsed)) {
        return exit->error.empty() ? exit->status : refuse_start(exit->error);
    }
    const auto& options = std::get<namesrv_options>(parsed);
    setup_logging(options.log_level);

    name_server server(options.kv_config_path);
    if (auto error = server.load()) return refuse_start(*error);
    auto module = std::make_shared<namesrv_module>(server);
    protocols::common::io_pool pool(options.io_threads, "io");
    pool.start();
    auto limits = module->default_limits();
    // Operators set these on the command line: "set --listenPort".
    limits.key_prefix = "--";
    protocols::common::tcp_listener listener(pool.at(0), pool, module,
                                             {options.listen_host, options.listen_port, limits, nullptr, {}});
    if (auto error = listener.start()) {
        pool.stop();
        return refuse_start(error->message);
    }
    auto log = spdlog::get("namesrv");
    log->info("gantry-namesrv listening on {}:{}", options.listen_host, listener.port());

    broker_expiry expiry(main_context.get_executor(), server);
    expiry.start();
    signals.async_wait([&](const boost::system::error_code& error, int signal_number) {
        if (error) return;
        log->info("received {}, stopping", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
        expiry.stop();
    });
    main_context.run();
    listener.stop();
    pool.stop();
    log->info("stopped cleanly");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    asio::io_context main_context;
    // Installed before any thread exists, and even when a shell started us
    // with SIGINT ignored.
    asio::signal_set signals(main_context, SIGINT, SIGTERM);
    int status = 1;
    try {
        status = run(argc, argv, main_context, signals);
    } catch (const std::exception& error) {
        std::cerr << "gantry-namesrv: fatal: " << error.what() << '\n';
    }
    spdlog::shutdown();
    return status;
}
