#include <chrono>
#include <limits>

#include <fmt/format.h>

#include "command_context.hpp"
#include "gantry/protocols/remoting/client/admin.hpp"
#include "start_position.hpp"

namespace gantry::tools {

namespace {

void print_message(const client::received_message& m) {
    fmt::print("topic:           {}\n", m.topic);
    fmt::print("msgId:           {}\n", m.msg_id);
    fmt::print("offsetMsgId:     {}\n", m.offset_msg_id);
    fmt::print("queue:           {} offset {}\n", m.queue_id, m.queue_offset);
    fmt::print("tags:            {}\n", m.tags);
    fmt::print("keys:            {}\n", m.keys);
    fmt::print("born / stored:   {} / {} (ms)\n", m.born_timestamp, m.store_timestamp);
    fmt::print("store host:      {}\n", m.store_host);
    fmt::print("reconsume times: {}\n", m.reconsume_times);
    for (const auto& [k, v] : m.properties) fmt::print("property:        {} = {}\n", k, v);
    fmt::print("body ({} bytes): {}\n\n", m.body.size(), m.body);
}

std::int64_t time_option(const std::string& text, std::int64_t fallback) {
    if (text.empty()) return fallback;
    const auto ms = parse_time_ms(text);
    if (!ms) throw command_error("a time is ms since the epoch or 2026-11-21T08:00:00Z, got '" + text + "'");
    return *ms;
}

} // namespace

void add_message_commands(CLI::App& app, command_context& ctx) {
    auto* message = app.add_subcommand("message", "Look messages up by id or key");
    message->require_subcommand(1);

    auto* get = message->add_subcommand("get", "A message by its offsetMsgId, or by its msgId with --topic");
    auto id = std::make_shared<std::string>();
    auto get_topic = std::make_shared<std::string>();
    get->add_option("id", *id, "offsetMsgId (or msgId with --topic)")->required();
    get->add_option("-t,--topic", *get_topic, "Topic, to look the id up as a msgId (UNIQ_KEY) first");
    get->callback([&ctx, id, get_topic] {
        client::admin admin(ctx.runtime());
        if (!get_topic->empty()) {
            const auto found = ctx.take(admin.query_by_key(*get_topic, *id, 32, 0,
                                                           std::numeric_limits<std::int64_t>::max(), true),
                                        "cannot query " + *get_topic);
            if (!found.empty()) {
                for (const auto& m : found) print_message(m);
                return;
            }
        }
        print_message(ctx.take(admin.message_by_offset_id(*id), "cannot find message " + *id));
    });

    auto* query = message->add_subcommand("query", "Messages of a topic whose keys hold a key");
    auto topic = std::make_shared<std::string>();
    auto key = std::make_shared<std::string>();
    auto begin = std::make_shared<std::string>();
    auto end = std::make_shared<std::string>();
    auto max = std::make_shared<int>(32);
    query->add_option("-t,--topic", *topic, "Topic")->required();
    query->add_option("-k,--key", *key, "Key")->required();
    query->add_option("--begin", *begin, "Stored at or after (ms or 2026-11-21T08:00:00Z; default: any time)");
    query->add_option("--end", *end, "Stored before (default: now)");
    query->add_option("--max", *max, "At most this many per broker")->capture_default_str();
    query->callback([&ctx, topic, key, begin, end, max] {
        client::admin admin(ctx.runtime());
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        const auto found = ctx.take(admin.query_by_key(*topic, *key, *max, time_option(*begin, 0),
                                                       time_option(*end, now + 1)),
                                    "cannot query " + *topic);
        for (const auto& m : found) print_message(m);
        fmt::print(stderr, "{} message(s)\n", found.size());
    });
}

} // namespace gantry::tools
