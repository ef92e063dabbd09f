#include <map>

#include <fmt/format.h>

#include "command_context.hpp"
#include "gantry/protocols/remoting/client/admin.hpp"
#include "gantry/protocols/remoting/client/pull_consumer.hpp"

namespace gantry::tools {

namespace {

// One line per group over every broker: consumers online added up, durable
// when any broker keeps its position.
void list_groups(command_context& ctx) {
    client::admin admin(ctx.runtime());
    struct row {
        std::int32_t online = 0;
        bool known_online = true;
        bool durable = false;
    };
    std::map<std::string, row> rows;
    for (const auto& g : ctx.take(admin.groups(), "cannot list consumer groups", admin.remark())) {
        auto& r = rows[g.group];
        if (g.online_consumers < 0) r.known_online = false;
        else r.online += g.online_consumers;
        r.durable = r.durable || g.durable;
    }
    fmt::print("{:<40} {:>7} {:>8}\n", "GROUP", "ONLINE", "DURABLE");
    for (const auto& [name, r] : rows)
        fmt::print("{:<40} {:>7} {:>8}\n", name, r.known_online ? std::to_string(r.online) : std::string("?"),
                   r.durable ? "yes" : "no");
}

} // namespace

void add_group_commands(CLI::App& app, command_context& ctx) {
    auto* group = app.add_subcommand("group", "Consumer groups, their lag, listing and deleting them");
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

    group->add_subcommand("list", "Every consumer group the brokers know: consumers online, whether durable")
        ->callback([&ctx] { list_groups(ctx); });

    auto* remove = group->add_subcommand(
        "delete", "Forget a consumer group on every broker that knows it: its offsets and retry topic (its dead "
                  "letters stay); its consumers must be stopped first");
    auto doomed = std::make_shared<std::string>();
    remove->add_option("-g,--group", *doomed, "Consumer group")->required();
    remove->callback([&ctx, doomed] {
        client::admin admin(ctx.runtime());
        const auto brokers =
            ctx.take(admin.delete_group(*doomed), "cannot delete consumer group " + *doomed, admin.remark());
        fmt::print("consumer group {} deleted on {} broker(s)\n", *doomed, brokers);
    });
}

} // namespace gantry::tools
