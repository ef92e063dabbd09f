#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <variant>

#include <spdlog/common.h>

namespace gantry::namesrv {

// gantry-namesrv's settings, named like RocketMQ's namesrv options.
struct namesrv_options {
    std::string listen_host = "0.0.0.0";
    std::uint16_t listen_port = 9876;
    std::string kv_config_path = "./data/namesrv/kvConfig.json";
    std::size_t io_threads = 0; // 0 = one per core
    spdlog::level::level_enum log_level = spdlog::level::info;
};

// The command line could not be used, or it only asked for --help.
struct command_line_exit {
    int status = 0;
    std::string error; // the one line for stderr; empty after --help
};

// --help is written to `out`.
std::variant<namesrv_options, command_line_exit> parse_command_line(int argc, const char* const* argv,
                                                                    std::ostream& out);

} // namespace gantry::namesrv
