#include <fmt/format.h>

#include <map>
#include <string>

#include "command_context.hpp"
#include "gantry/protocols/remoting/client/admin.hpp"

namespace gantry::tools {

namespace {

// "bridge.<name>.<field>" entries of a broker's runtime info, by bridge name.
std::map<std::string, std::map<std::string, std::string>> bridges_in(const std::map<std::string, std::string>& info) {
    constexpr std::string_view prefix = "bridge.";
    std::map<std::string, std::map<std::string, std::string>> bridges;
    for (const auto& [key, value] : info) {
        if (!key.starts_with(prefix)) continue;
        const auto dot = key.rfind('.');
        if (dot <= prefix.size()) continue;
        bridges[key.substr(prefix.size(), dot - prefix.size())][key.substr(dot + 1)] = value;
    }
    return bridges;
}

} // namespace

void add_bridge_commands(CLI::App& app, command_context& ctx) {
    auto* bridge = app.add_subcommand("bridge", "Links to other brokers (gantry.toml [[bridge]] entries)");
    bridge->require_subcommand(1);
    bridge->add_subcommand("list", "Each broker's bridges: state, remote, messages each way, backlog")->callback([&ctx] {
        client::admin admin(ctx.runtime());
        const auto cluster = ctx.take(admin.cluster(), "cannot read the cluster");
        fmt::print("{:<12} {:<16} {:<5} {:<13} {:<22} {:>10} {:>12} {:>10} {:>12} {:>8} {:>8}  {}\n", "BROKER",
                   "BRIDGE", "TYPE", "STATE", "REMOTE", "MSGS OUT", "BYTES OUT", "MSGS IN", "BYTES IN", "BACKLOG",
                   "DROPPED", "LAST ERROR");
        for (const auto& [name, broker] : cluster.brokers) {
            const auto master = broker.broker_addrs.find(0);
            if (master == broker.broker_addrs.end()) continue;
            const auto info = ctx.take(admin.runtime_info(master->second),
                                       "cannot read the state of broker " + name + " at " + master->second);
            for (auto& [bridge_name, f] : bridges_in(info)) {
                fmt::print("{:<12} {:<16} {:<5} {:<13} {:<22} {:>10} {:>12} {:>10} {:>12} {:>8} {:>8}  {}\n", name,
                           bridge_name, f["type"], f["connected"] == "true" ? "connected" : "disconnected",
                           f["remote"], f["messagesOut"], f["bytesOut"], f["messagesIn"], f["bytesIn"],
                           f["backlog"], f["dropped"], f["lastError"]);
            }
        }
    });
}

} // namespace gantry::tools
