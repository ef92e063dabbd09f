#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include <CLI/CLI.hpp>

#include "gantry/engine/result.hpp"
#include "gantry/protocols/remoting/client/client_runtime.hpp"

namespace gantry::tools {

namespace client = protocols::remoting::client;

// A failure the tool reports as one line on stderr with a non-zero exit.
class command_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What every command shares: the global options and the client runtime,
// made on first use so `--help` needs no name server.
class command_context {
public:
    // A name server first, then gantryd's own port (one-process mode);
    // NAMESRV_ADDR overrides this default, as for RocketMQ's tools.
    std::string name_servers = "127.0.0.1:9876;127.0.0.1:10911";
    int timeout_ms = 3000;

    client::client_runtime& runtime();

    // The value, or a command_error saying what failed ("cannot create
    // topic t: NO_PERMISSION (16)").
    template <typename T>
    T take(result<T> outcome, const std::string& what) {
        return take(std::move(outcome), what, {});
    }
    // The same with what the broker said about it (its remark), when it said something.
    template <typename T>
    T take(result<T> outcome, const std::string& what, const std::string& remark) {
        if (!outcome)
            throw command_error(what + ": " + explain(outcome.error()) + (remark.empty() ? "" : ": " + remark));
        return std::move(*outcome);
    }

private:
    std::string explain(std::error_code error) const;

    std::unique_ptr<client::client_runtime> runtime_;
};

// One function per command group, each in its own file.
void add_cluster_commands(CLI::App& app, command_context& ctx);
void add_bridge_commands(CLI::App& app, command_context& ctx);
void add_topic_commands(CLI::App& app, command_context& ctx);
void add_group_commands(CLI::App& app, command_context& ctx);
void add_produce_command(CLI::App& app, command_context& ctx);
void add_consume_command(CLI::App& app, command_context& ctx);
void add_message_commands(CLI::App& app, command_context& ctx);
void add_offset_commands(CLI::App& app, command_context& ctx);
void add_bench_commands(CLI::App& app, command_context& ctx);

} // namespace gantry::tools
