#include <fmt/format.h>

#include "command_context.hpp"
#include "gantry/protocols/remoting/client/pull_consumer.hpp"

namespace gantry::tools {

void add_group_commands(CLI::App& app, command_context& ctx) {
    auto* group = app.add_subcommand("group", "Consumer groups and their lag");
    group->require_subcommand(1);
    auto* describe = group->add_subcommand("describe", "Committed offset and lag per queue of a topic");
    auto name = std::make_shared<std::string>();
    auto topic = std::make_shared<std::string>();
    describe->add_option("-g,--group", *name, "Consumer group")->required();
    describe->add_option("-t,--topic", *topic, "Topic the group consumes")->required();
    describe->callback([&ctx, name, topic] {
        client::pull_consumer reader(ctx.runtime(), *name);
        const auto queues = ctx.take(reader.queues(*topic), "cannot read the route of " + *topic);
        fmt::print("{:<20} {:>5} {:>14} {:>14} {:>10}\n", "BROKER", "QUEUE", "BROKER OFFSET", "CONSUMER OFFSET",
                   "LAG");
        std::int64_t total = 0;
        for (const auto& mq : queues) {
            const auto what = "cannot read queue " + std::to_string(mq.queue_id);
            const auto max = ctx.take(reader.max_offset(mq), what);
            const auto committed = ctx.take(reader.committed_offset(mq), what);
            const auto lag = max - std::max<std::int64_t>(committed, 0);
            total += lag;
            fmt::print("{:<20} {:>5} {:>14} {:>15} {:>10}\n", mq.broker_name, mq.queue_id, max,
                       committed < 0 ? std::string("-") : std::to_string(committed), lag);
        }
        fmt::print("total lag: {}\n", total);
    });
}

} // namespace gantry::tools
