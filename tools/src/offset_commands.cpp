#include <map>

#include <fmt/format.h>

#include "command_context.hpp"
#include "gantry/protocols/remoting/client/admin.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "start_position.hpp"

namespace gantry::tools {

namespace {

// INVOKE_BROKER_TO_RESET_OFFSET's timestamp for --to: 0 reaches each
// queue's first offset, −1 its end.
std::int64_t reset_timestamp(const std::string& to) {
    if (to == "first") return 0;
    if (to == "last") return -1;
    if (const auto ms = parse_time_ms(to)) return *ms;
    throw command_error("--to wants first, last or a time (ms or 2026-11-21T08:00:00Z), got '" + to + "'");
}

} // namespace

void add_offset_commands(CLI::App& app, command_context& ctx) {
    auto* offset = app.add_subcommand("offset", "Consumer group offsets");
    offset->require_subcommand(1);
    auto* reset = offset->add_subcommand(
        "reset", "Move a group's offsets on every queue of a topic; consumers online continue from there (the "
                 "brokers tell them), and with none online the offsets are committed");
    auto group = std::make_shared<std::string>();
    auto topic = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    reset->add_option("-g,--group", *group, "Consumer group")->required();
    reset->add_option("-t,--topic", *topic, "Topic")->required();
    reset->add_option("--timestamp,--to", *to, "first, last, or a time (ms or 2026-11-21T08:00:00Z)")->required();
    reset->callback([&ctx, group, topic, to] {
        if (*to == "committed") throw command_error("--to committed would change nothing");
        const auto timestamp = reset_timestamp(*to);
        client::pull_consumer consumer(ctx.runtime(), *group);
        const auto queues = ctx.take(consumer.queues(*topic), "cannot read the route of " + *topic);
        std::map<client::message_queue, std::int64_t> before;
        for (const auto& mq : queues)
            before[mq] = ctx.take(consumer.committed_offset(mq), "cannot read queue " + std::to_string(mq.queue_id));

        // As mqadmin resetOffsetByTime: through the brokers, which tell the
        // consumers online; with none online, commit the offsets here.
        client::admin admin(ctx.runtime());
        auto online = admin.reset_offsets_online(*topic, *group, timestamp);
        std::map<client::message_queue, std::int64_t> targets;
        if (online) {
            targets = std::move(*online);
            fmt::print("consumers of {} online were told; they continue from these offsets\n", *group);
        } else if (online.error() == client::response_error(protocols::remoting::response_code::consumer_not_online)) {
            targets = start_offsets(ctx, consumer, queues, *to);
            for (const auto& [mq, target] : targets)
                ctx.take(consumer.commit_offset_confirmed(mq, target), "cannot reset queue " + std::to_string(mq.queue_id));
        } else {
            ctx.take(std::move(online), "cannot reset the offsets of " + *group + " on " + *topic, admin.remark());
        }
        for (const auto& [mq, target] : targets) {
            const auto was = before.find(mq);
            fmt::print("{} queue {}: {} -> {}\n", mq.broker_name, mq.queue_id,
                       was == before.end() || was->second < 0 ? std::string("-") : std::to_string(was->second),
                       target);
        }
    });
}

} // namespace gantry::tools
