#include <fmt/format.h>

#include "command_context.hpp"
#include "start_position.hpp"

namespace gantry::tools {

void add_offset_commands(CLI::App& app, command_context& ctx) {
    auto* offset = app.add_subcommand("offset", "Consumer group offsets");
    offset->require_subcommand(1);
    auto* reset = offset->add_subcommand(
        "reset", "Move a group's committed offsets on every queue of a topic (stop its consumers first: running "
                 "ones commit their own positions over it)");
    auto group = std::make_shared<std::string>();
    auto topic = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    reset->add_option("-g,--group", *group, "Consumer group")->required();
    reset->add_option("-t,--topic", *topic, "Topic")->required();
    reset->add_option("--timestamp,--to", *to, "first, last, or a time (ms or 2026-11-21T08:00:00Z)")->required();
    reset->callback([&ctx, group, topic, to] {
        if (*to == "committed") throw command_error("--to committed would change nothing");
        client::pull_consumer consumer(ctx.runtime(), *group);
        const auto queues = ctx.take(consumer.queues(*topic), "cannot read the route of " + *topic);
        for (const auto& [mq, target] : start_offsets(ctx, consumer, queues, *to)) {
            const auto what = "cannot reset queue " + std::to_string(mq.queue_id);
            const auto before = ctx.take(consumer.committed_offset(mq), what);
            ctx.take(consumer.commit_offset_confirmed(mq, target), what);
            fmt::print("{} queue {}: {} -> {}\n", mq.broker_name, mq.queue_id,
                       before < 0 ? std::string("-") : std::to_string(before), target);
        }
    });
}

} // namespace gantry::tools
