#include <algorithm>

#include <fmt/format.h>

#include "command_context.hpp"
#include "gantry/protocols/remoting/client/admin.hpp"
#include "gantry/protocols/remoting/client/pull_consumer.hpp"
#include "gantry/protocols/remoting/client/topic_route.hpp"

namespace gantry::tools {

namespace {

void describe(command_context& ctx, const std::string& topic) {
    client::admin admin(ctx.runtime());
    const auto route = ctx.take(admin.route(topic), "cannot describe topic " + topic);
    for (const auto& q : route.queues)
        fmt::print("broker {}: {} read / {} write queues, perm {}\n", q.broker_name, q.read_queue_nums,
                   q.write_queue_nums, q.perm);
    client::pull_consumer reader(ctx.runtime(), "gantry-tool");
    fmt::print("{:<20} {:>5} {:>14} {:>14}\n", "BROKER", "QUEUE", "MIN OFFSET", "MAX OFFSET");
    for (const auto& mq : client::read_queues(route, topic)) {
        const auto min = ctx.take(reader.min_offset(mq), "cannot read queue " + std::to_string(mq.queue_id));
        const auto max = ctx.take(reader.max_offset(mq), "cannot read queue " + std::to_string(mq.queue_id));
        fmt::print("{:<20} {:>5} {:>14} {:>14}\n", mq.broker_name, mq.queue_id, min, max);
    }
}

} // namespace

void add_topic_commands(CLI::App& app, command_context& ctx) {
    auto* topic = app.add_subcommand("topic", "Create, list, describe and delete topics");
    topic->require_subcommand(1);

    auto* create = topic->add_subcommand("create", "Create or update a topic on every master of a cluster");
    auto settings = std::make_shared<client::topic_settings>();
    auto cluster = std::make_shared<std::string>();
    auto queues = std::make_shared<int>(8);
    create->add_option("topic", settings->name, "Topic name")->required();
    create->add_option("-q,--queues", *queues, "Read and write queues per broker")->capture_default_str();
    create->add_option("-c,--cluster", *cluster, "Only the masters of this cluster (default: all)");
    create->add_flag("--order", settings->order, "Mark the topic ordered");
    create->callback([&ctx, settings, cluster, queues] {
        settings->read_queue_nums = settings->write_queue_nums = *queues;
        client::admin admin(ctx.runtime());
        const auto brokers = ctx.take(admin.create_topic(*settings, *cluster), "cannot create topic " + settings->name);
        fmt::print("topic {} with {} queues on {} broker(s)\n", settings->name, *queues, brokers);
    });

    topic->add_subcommand("list", "Every topic the name servers know")->callback([&ctx] {
        client::admin admin(ctx.runtime());
        auto names = ctx.take(admin.topics(), "cannot list topics");
        std::sort(names.begin(), names.end());
        for (const auto& n : names) fmt::print("{}\n", n);
    });

    auto* remove = topic->add_subcommand(
        "delete", "Delete a topic on the brokers of its route, then on the name servers (as mqadmin deleteTopic); its "
                  "messages stay on disk until retention removes them");
    auto doomed = std::make_shared<std::string>();
    remove->add_option("-t,--topic", *doomed, "Topic name")->required();
    remove->callback([&ctx, doomed] {
        client::admin admin(ctx.runtime());
        const auto done = ctx.take(admin.delete_topic(*doomed), "cannot delete topic " + *doomed, admin.remark());
        fmt::print("topic {} deleted on {} broker(s) and {} name server(s)\n", *doomed, done.brokers,
                   done.name_servers);
    });

    auto* describe_cmd = topic->add_subcommand("describe", "Route and per-queue offsets of a topic");
    auto name = std::make_shared<std::string>();
    describe_cmd->add_option("topic", *name, "Topic name")->required();
    describe_cmd->callback([&ctx, name] { describe(ctx, *name); });
}

} // namespace gantry::tools
