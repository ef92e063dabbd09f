#include <fmt/format.h>

#include "command_context.hpp"
#include "queue_reader.hpp"
#include "start_position.hpp"

namespace gantry::tools {

namespace {

struct consume_options {
    std::string topic;
    std::string group = "gantry-tool";
    std::string from = "committed";
    std::string filter = "*";
    bool sql = false;
    int count = 0;
    int idle_seconds = 5;
    bool no_commit = false;
    bool properties = false;
};

void consume(command_context& ctx, const consume_options& o) {
    client::pull_consumer consumer(ctx.runtime(), o.group);
    const auto queues = ctx.take(consumer.queues(o.topic), "cannot read the route of " + o.topic);
    client::pull_options pull;
    pull.expression = o.filter;
    pull.expression_type = o.sql ? "SQL92" : "TAG";
    pull.long_poll = std::chrono::seconds(1);
    queue_reader reader(ctx.runtime(), consumer, start_offsets(ctx, consumer, queues, o.from), pull, !o.no_commit);
    int received = 0;
    auto last = std::chrono::steady_clock::now();
    while (o.count == 0 || received < o.count) {
        auto b = reader.next(std::chrono::milliseconds(200));
        if (!b) {
            if (std::chrono::steady_clock::now() - last > std::chrono::seconds(o.idle_seconds)) break;
            continue;
        }
        if (b->error) {
            fmt::print(stderr, "gantry: pull from {} queue {} failed: {}; retrying\n", b->queue.broker_name,
                       b->queue.queue_id, b->error.message());
            continue;
        }
        if (!b->messages.empty()) last = std::chrono::steady_clock::now();
        std::size_t printed = 0;
        for (const auto& m : b->messages) {
            if (o.count != 0 && received == o.count) break;
            ++printed;
            ++received;
            reader.consumed(b->queue, m.queue_offset + 1);
            fmt::print("queue {} offset {} id {} tags '{}' keys '{}': {}\n", m.queue_id, m.queue_offset, m.msg_id,
                       m.tags, m.keys, m.body);
            if (o.properties)
                for (const auto& [k, v] : m.properties) fmt::print("    {} = {}\n", k, v);
        }
        if (printed == b->messages.size()) reader.consumed(b->queue, b->next_offset);
    }
    reader.stop();
    fmt::print(stderr, "{} message(s)\n", received);
}

} // namespace

void add_consume_command(CLI::App& app, command_context& ctx) {
    auto o = std::make_shared<consume_options>();
    auto* cmd = app.add_subcommand("consume", "Print a topic's messages (pulling every queue) as a consumer group");
    cmd->add_option("topic", o->topic, "Topic")->required();
    cmd->add_option("-g,--group", o->group, "Consumer group")->capture_default_str();
    cmd->add_option("--from", o->from, "first, last, committed or a time (ms, or 2026-11-21T08:00:00Z)")
        ->capture_default_str();
    cmd->add_option("--filter", o->filter, "Tag expression (a || b), or SQL92 with --sql")->capture_default_str();
    cmd->add_flag("--sql", o->sql, "The filter is a SQL92 selector");
    cmd->add_option("-c,--count", o->count, "Stop after this many messages (0: no limit)");
    cmd->add_option("--idle", o->idle_seconds, "Stop after this many seconds without a message")
        ->capture_default_str();
    cmd->add_flag("--no-commit", o->no_commit, "Leave the group's offsets as they are");
    cmd->add_flag("--properties", o->properties, "Print every property of each message");
    cmd->callback([&ctx, o] { consume(ctx, *o); });
}

} // namespace gantry::tools
