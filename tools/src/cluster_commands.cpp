#include <fmt/format.h>

#include "command_context.hpp"
#include "gantry/protocols/remoting/client/admin.hpp"

namespace gantry::tools {

void add_cluster_commands(CLI::App& app, command_context& ctx) {
    auto* cluster = app.add_subcommand("cluster", "Brokers and name servers");
    cluster->require_subcommand(1);
    cluster->add_subcommand("list", "The brokers the name servers know, by cluster")->callback([&ctx] {
        client::admin admin(ctx.runtime());
        const auto info = ctx.take(admin.cluster(), "cannot read the cluster");
        fmt::print("{:<20} {:<20} {:>4}  {}\n", "CLUSTER", "BROKER", "ID", "ADDRESS");
        for (const auto& [name, b] : info.brokers)
            for (const auto& [id, address] : b.broker_addrs)
                fmt::print("{:<20} {:<20} {:>4}  {}\n", b.cluster, name, id, address);
    });
}

} // namespace gantry::tools
