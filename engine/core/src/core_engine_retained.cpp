// The engine as its own retained_store: a retained message is appended like
// any message (core_engine::append's rules) with GANTRY_RETAINED set, through
// retained_index::put so the name index follows the log's order.

#include "gantry/core/core_engine.hpp"

#include "complete_on.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/core/message_codec.hpp"
#include "gantry/core/mqtt_filter.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/store/message_id.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/store_error.hpp"

namespace gantry::core {

namespace {

// The name retained_index::name_of gives the record this message becomes.
std::string retained_name(const engine::message& msg) {
    std::string name = msg.topic;
    if (!msg.tag.empty()) return name.append("/").append(msg.tag);
    for (const auto& [key, value] : msg.properties)
        if (key == mqtt_filter::trailing_level_property) return name.append("/");
    return name;
}

} // namespace

void core_engine::retain(const engine::operation_context& ctx, engine::message msg, append_callback done) {
    auto finish = [&](std::error_code ec) {
        complete_on(ctx.executor, std::move(done), result<engine::append_receipt>(ec));
    };
    if (is_system_topic(msg.topic) || is_retry_topic(msg.topic) || is_dlq_topic(msg.topic))
        return finish(core_errc::reserved_topic_name);
    const auto name = retained_name(msg);
    if (retained_trie::levels_of(name) > retained_trie::max_levels) return finish(core_errc::invalid_topic_name);
    // A retained message is the topic's state now; it has no delivery time.
    if (msg.deliver_at_ms > engine::wall_clock_ms()) return finish(core_errc::retained_with_delivery_time);
    std::string properties;
    // The queue append() would choose, so a client's retained and plain
    // messages on one name stay in order.
    auto m = prepare(ctx, msg, properties);
    if (!m) return finish(m.error());
    store::append_property(properties, header::retained, "1");
    if (properties.size() > store::max_properties_length) return finish(core_errc::properties_too_long);
    m->properties = properties;
    complete_when_durable(retained_.put(*m, name, msg.body.empty()), m->queue_id, std::move(msg.message_id),
                          ctx.executor, std::move(done));
}

result<engine::retained_page> core_engine::find_retained(const engine::retained_query& query) {
    if (retained_trie::filter_problem(query.filter)) return core_errc::invalid_filter;
    engine::retained_page page;
    const auto now = engine::wall_clock_ms();
    for (auto& f : retained_.find(query.filter, query.after, std::max<std::size_t>(1, query.max_messages), page.next)) {
        auto d = to_delivery(f.ref, f.record, 1);
        if (d.msg.expired_at(now)) {
            expired_.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        d.handle = {std::string(f.record.topic), f.record.queue_id, f.record.queue_offset, 0};
        page.messages.push_back(std::move(d));
    }
    return page;
}

} // namespace gantry::core
