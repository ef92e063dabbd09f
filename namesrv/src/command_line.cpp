#include "command_line.hpp"

#include <CLI/CLI.hpp>

namespace gantry::namesrv {

namespace {

constexpr int exit_bad_arguments = 2;

} // namespace

std::variant<namesrv_options, command_line_exit> parse_command_line(int argc, const char* const* argv,
                                                                    std::ostream& out) {
    CLI::App app{"Gantry's RocketMQ-compatible name server: brokers register their topics here and clients ask it "
                 "for routes.",
                 "gantry-namesrv"};
    namesrv_options options;
    std::string log_level = "info";
    app.add_option("--listenPort", options.listen_port, "TCP port to listen on")
        ->capture_default_str()
        ->check(CLI::Range(1, 65535));
    app.add_option("--listenHost", options.listen_host, "Address to listen on")->capture_default_str();
    app.add_option("--kvConfigPath", options.kv_config_path, "File the KV configuration is kept in")
        ->capture_default_str();
    app.add_option("--ioThreads", options.io_threads, "Network threads; 0 = one per core")
        ->capture_default_str()
        ->check(CLI::Range(0, 1024));
    app.add_option("--logLevel", log_level, "trace, debug, info, warn, error or off")
        ->capture_default_str()
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& done) {
        return command_line_exit{app.exit(done, out, out), {}};
    } catch (const CLI::ParseError& error) {
        return command_line_exit{exit_bad_arguments, std::string(error.what()) + " on the command line (see --help)"};
    }
    options.log_level = spdlog::level::from_str(log_level);
    return options;
}

} // namespace gantry::namesrv
