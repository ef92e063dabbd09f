// gantry: the command-line tool for Gantry brokers over the native protocol:
// topics, groups and lag, produce, consume, message look-ups, offset resets,
// cluster status and benchmarks. Errors are one line on stderr, exit 1.

#include <cstdlib>
#include <iostream>

#include <spdlog/spdlog.h>

#include "command_context.hpp"

int main(int argc, char** argv) {
    using namespace gantry::tools;
    spdlog::set_level(spdlog::level::err); // the client's own logs are for daemons; the tool reports itself

    command_context ctx;
    if (const char* env = std::getenv("NAMESRV_ADDR"); env && *env) ctx.name_servers = env;
    CLI::App app{"gantry: manage and exercise Gantry brokers over the native (RocketMQ) protocol"};
    app.set_help_all_flag("--help-all", "Show the help of every command");
    app.require_subcommand(1);
    app.add_option("-n,--namesrv", ctx.name_servers,
                   "Name servers, 'host:port' separated by ';' (gantryd answers as one on its own port)")
        ->capture_default_str();
    app.add_option("--timeout", ctx.timeout_ms, "Request timeout in milliseconds")->capture_default_str();

    add_cluster_commands(app, ctx);
    add_bridge_commands(app, ctx);
    add_topic_commands(app, ctx);
    add_group_commands(app, ctx);
    add_produce_command(app, ctx);
    add_consume_command(app, ctx);
    add_message_commands(app, ctx);
    add_offset_commands(app, ctx);
    add_bench_commands(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    } catch (const command_error& error) {
        std::cerr << "gantry: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
