#include <iostream>

#include <fmt/format.h>

#include "command_context.hpp"
#include "gantry/protocols/remoting/client/producer.hpp"

namespace gantry::tools {

namespace {

struct produce_options {
    std::string topic;
    std::vector<std::string> bodies;
    std::string tags;
    std::string keys;
    std::vector<std::string> properties;
    std::string shard_key;
    int delay_level = 0;
    bool quiet = false;
};

client::message make_message(const produce_options& o, std::string body) {
    client::message m;
    m.topic = o.topic;
    m.body = std::move(body);
    m.tags = o.tags;
    m.keys = o.keys;
    m.delay_level = o.delay_level;
    for (const auto& p : o.properties) {
        const auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0) throw command_error("--property wants name=value, got '" + p + "'");
        m.properties.emplace(p.substr(0, eq), p.substr(eq + 1));
    }
    return m;
}

void produce(command_context& ctx, const produce_options& o) {
    client::producer producer(ctx.runtime());
    auto send_one = [&](std::string body) {
        auto m = make_message(o, std::move(body));
        auto sent = o.shard_key.empty() ? producer.send(std::move(m)) : producer.send_ordered(std::move(m), o.shard_key);
        const auto r = ctx.take(std::move(sent), "cannot send to " + o.topic);
        if (!o.quiet)
            fmt::print("{} {} queue {} offset {}\n", r.msg_id, r.offset_msg_id, r.queue.queue_id, r.queue_offset);
    };
    if (!o.bodies.empty()) {
        for (const auto& b : o.bodies) send_one(b);
        return;
    }
    std::string line;
    while (std::getline(std::cin, line)) send_one(line);
}

} // namespace

void add_produce_command(CLI::App& app, command_context& ctx) {
    auto o = std::make_shared<produce_options>();
    auto* cmd = app.add_subcommand("produce", "Send messages given as arguments, or one per line of stdin; prints "
                                              "'msgId offsetMsgId queue N offset M' for each");
    cmd->add_option("topic", o->topic, "Topic")->required();
    cmd->add_option("bodies", o->bodies, "Message bodies (default: read stdin lines)");
    cmd->add_option("--tags", o->tags, "Tag of every message");
    cmd->add_option("--keys", o->keys, "Keys of every message, separated by spaces");
    cmd->add_option("-p,--property", o->properties, "A user property name=value (repeatable)");
    cmd->add_option("--shard-key", o->shard_key, "Send in order: same key, same queue");
    cmd->add_option("--delay-level", o->delay_level, "Delay level (1 = 1s ... 18 = 2h)");
    cmd->add_flag("-q,--quiet", o->quiet, "Print nothing per message");
    cmd->callback([&ctx, o] { produce(ctx, *o); });
}

} // namespace gantry::tools
