#include <map>
#include <memory>
#include <string>

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

// RocketMQ's names, as mqadmin and the broker's subscriptionGroup.json spell them.
std::string describe_settings(const client::group_config& c) {
    return fmt::format("consumeEnable={} consumeBroadcastEnable={} consumeFromMinEnable={} retryMaxTimes={} "
                       "retryQueueNums={} brokerId={} whichBrokerWhenConsumeSlowly={} "
                       "notifyConsumerIdsChangedEnable={}",
                       c.consume_enable, c.consume_broadcast_enable, c.consume_from_min_enable, c.retry_max_times,
                       c.retry_queue_nums, c.broker_id, c.which_broker_when_consume_slowly,
                       c.notify_consumer_ids_changed_enable);
}

// `gantry group update <group> [--retry-max-times N] [--consume-enable true|false] ...`:
// the options given change the group's settings on every master (of one
// cluster); the others stay as each broker has them.
void add_update_command(CLI::App& group, command_context& ctx) {
    struct values {
        std::string group;
        std::string cluster;
        bool consume_enable = true;
        bool consume_from_min_enable = true;
        bool consume_broadcast_enable = true;
        std::int32_t retry_queue_nums = 1;
        std::int32_t retry_max_times = 16;
        std::int64_t broker_id = 0;
        std::int64_t which_broker_when_consume_slowly = 1;
        bool notify_consumer_ids_changed_enable = true;
    };
    auto v = std::make_shared<values>();
    auto* update = group.add_subcommand(
        "update", "Create or change a consumer group's settings on every broker (as mqadmin updateSubGroup); only "
                  "the options given change");
    update->add_option("group", v->group, "Consumer group")->required();
    update->add_option("-c,--cluster", v->cluster, "Only the masters of this cluster (default: all)");
    const auto flag = [&](const char* name, bool& target, const char* what) {
        return update->add_option(name, target, what)->type_name("true|false");
    };
    auto* consume = flag("--consume-enable", v->consume_enable, "false: the group's pulls are refused (NO_PERMISSION)");
    auto* broadcast = flag("--consume-broadcast-enable", v->consume_broadcast_enable,
                           "false: the group's broadcasting consumers are refused");
    auto* from_min = flag("--consume-from-min-enable", v->consume_from_min_enable, "Kept and reported only");
    auto* notify = flag("--notify-consumer-ids-changed-enable", v->notify_consumer_ids_changed_enable,
                        "false: members are not told when a consumer joins or leaves");
    auto* retry_max = update->add_option("--retry-max-times", v->retry_max_times,
                                         "Redeliveries before %DLQ%<group>, for consumers that name no limit");
    auto* retry_queues = update->add_option("--retry-queue-nums", v->retry_queue_nums, "Kept and reported only");
    auto* broker_id = update->add_option("--broker-id", v->broker_id, "Kept and reported only");
    auto* slow = update->add_option("--which-broker-when-consume-slowly", v->which_broker_when_consume_slowly,
                                    "Kept and reported only");
    update->callback([&ctx, v, consume, broadcast, from_min, notify, retry_max, retry_queues, broker_id, slow] {
        client::group_settings_change change;
        const auto given = [](const CLI::Option* option, auto& target, const auto& value) {
            if (option->count() > 0) target = value;
        };
        given(consume, change.consume_enable, v->consume_enable);
        given(broadcast, change.consume_broadcast_enable, v->consume_broadcast_enable);
        given(from_min, change.consume_from_min_enable, v->consume_from_min_enable);
        given(notify, change.notify_consumer_ids_changed_enable, v->notify_consumer_ids_changed_enable);
        given(retry_max, change.retry_max_times, v->retry_max_times);
        given(retry_queues, change.retry_queue_nums, v->retry_queue_nums);
        given(broker_id, change.broker_id, v->broker_id);
        given(slow, change.which_broker_when_consume_slowly, v->which_broker_when_consume_slowly);
        client::admin admin(ctx.runtime());
        const auto updated = ctx.take(admin.update_group(v->group, change, v->cluster),
                                      "cannot update consumer group " + v->group, admin.remark());
        fmt::print("consumer group {} updated on {} broker(s)\n", v->group, updated.size());
        for (const auto& [broker, settings] : updated) fmt::print("{}: {}\n", broker, describe_settings(settings));
    });
}

} // namespace

void add_group_commands(CLI::App& app, command_context& ctx) {
    auto* group = app.add_subcommand("group", "Consumer groups: their lag, listing, settings and deleting them");
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

    add_update_command(*group, ctx);

    auto* remove = group->add_subcommand(
        "delete", "Forget a consumer group on every broker that knows it: its settings, offsets and retry topic (its "
                  "dead letters stay); its consumers must be stopped first");
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
