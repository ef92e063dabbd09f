#include "gantry/core/core_engine.hpp"


#include <unistd.h>

#include <fmt/format.h>

#include "complete_on.hpp"
#include "core_log.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/core/message_codec.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/store/message_id.hpp"
#include "gantry/store/store_error.hpp"
#include "gantry/store/message_properties.hpp"

namespace gantry::core {

namespace {

bool is_retry_topic_name(std::string_view topic) { return topic.starts_with("%RETRY%"); }

} // namespace

core_engine::core_engine(store::message_store& store, core_config config)
    : store_(store),
      config_(std::move(config)),
      topics_(topic_registry_options{config_.root_dir, config_.auto_create_topic_enable,
                                     config_.default_topic_queue_nums}),
      offsets_(config_.root_dir),
      group_configs_(config_.root_dir, config_.max_reconsume_times),
      unique_keys_(store.config().store_host),
      scheduler_(store, delay_scheduler::options{delay_scheduler::offset_file_in(config_.root_dir),
                                                 store.config().delay_levels}),
      reviver_("gantry-revive", config_.revive_interval, [this] { revive_expired(); }),
      offset_persister_("gantry-offsets", config_.offset_persist_interval, [this] { persist_offsets(); }) {
    topics_.set_change_listener([this](const topic_config& topic) { widen_every_topic_subscriptions(topic); });
    store_.set_arrival_listener([this](std::string_view topic, std::int32_t queue_id, std::int64_t max_offset) {
        arrivals_.notify(topic, queue_id, max_offset);
        scheduler_.on_arrival(topic, queue_id, max_offset);
    });
    private_group_prefix_ = fmt::format("GANTRY_PRIVATE_{:X}_", engine::wall_clock_ms());
}

core_engine::~core_engine() { stop(); }

std::error_code core_engine::start() {
    if (auto ec = topics_.load()) return ec;
    if (auto ec = offsets_.load()) return ec;
    if (auto ec = group_configs_.load()) return ec;
    if (auto ec = retained_.start()) return ec;
    if (auto ec = scheduler_.start()) return ec;
    reviver_.start();
    offset_persister_.start();
    running_ = true;
    return {};
}

void core_engine::stop() {
    if (!running_) return;
    running_ = false;
    std::vector<std::uint64_t> ids;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, sub] : subscriptions_) ids.push_back(id);
    }
    for (auto id : ids) unsubscribe({id});
    reviver_.stop();
    offset_persister_.stop();
    persist_offsets();
    scheduler_.stop();
    retained_.stop();
}

void core_engine::declare(const engine::operation_context& ctx, engine::declare_options options,
                          std::function<void(std::error_code)> done) {
    std::error_code ec;
    if (options.config) {
        const auto& c = *options.config;
        ec = topics_.create_or_update(
            topic_config{options.topic, c.read_queue_nums, c.write_queue_nums, c.perm, c.topic_sys_flag, c.order});
    } else if (!topics_.find(options.topic)) {
        auto created = topics_.find_or_auto_create(
            options.topic, options.queue_count > 0 ? options.queue_count : client_default_topic_queue_nums);
        if (!created) ec = created.error();
    }
    complete_on(ctx.executor, std::move(done), ec);
}

void core_engine::append(const engine::operation_context& ctx, engine::message msg, append_callback done) {
    std::string properties;
    auto m = prepare(ctx, msg, properties);
    if (!m) return complete_on(ctx.executor, std::move(done), result<engine::append_receipt>(m.error()));
    // A delivery time to come: through the scheduler's delay levels
    // (delay_scheduler::level_for), stored now, delivered when it is due.
    const auto wait = msg.deliver_at_ms > 0 ? msg.deliver_at_ms - engine::wall_clock_ms() : 0;
    complete_when_durable(wait > 0 ? scheduler_.schedule(*m, scheduler_.level_for(wait)) : store_.put(*m),
                          m->queue_id, std::move(msg.message_id), ctx.executor, std::move(done));
}

std::string core_engine::new_message_id() { return next_message_id(engine::wall_clock_ms()); }

std::string core_engine::next_message_id(std::int64_t now_ms) {
    std::lock_guard lock(key_mutex_);
    return unique_keys_.next(now_ms);
}

result<store::message_to_store> core_engine::prepare(const engine::operation_context& ctx, engine::message& msg,
                                                     std::string& properties) {
    // The publisher's time when it gave one (a clock read per message is
    // measurable at 400 k messages/s).
    const std::int64_t now = msg.born_time_ms > 0 ? msg.born_time_ms : engine::wall_clock_ms();
    auto topic = topics_.find_or_auto_create(msg.topic);
    if (!topic) return topic.error();
    if (!topic->writable() || topic->write_queue_nums <= 0) return core_errc::no_permission;
    if (msg.message_id.empty()) msg.message_id = next_message_id(now);
    msg.born_time_ms = now;
    auto encoded = encode_properties(msg);
    if (!encoded) return encoded.error();
    properties = std::move(*encoded);

    // One caller's messages with one tag share a queue, so they stay in order.
    const auto spread = std::hash<std::string>{}(ctx.client_id) ^ std::hash<std::string>{}(msg.tag);
    store::message_to_store m;
    m.topic = msg.topic;
    m.queue_id = static_cast<std::int32_t>(spread % static_cast<std::size_t>(topic->write_queue_nums));
    m.body = store::as_bytes(msg.body);
    m.properties = properties;
    m.born_timestamp = msg.born_time_ms;
    m.born_host = store_.config().store_host;
    return m;
}

result<store::message_to_store> core_engine::to_message(const engine::record_append& record,
                                                        std::string& properties) {
    auto topic = topics_.find_or_auto_create(record.topic);
    if (!topic) return topic.error();
    if (!topic->writable()) return core_errc::no_permission;
    if (record.queue_id < 0 || record.queue_id >= topic->write_queue_nums) return core_errc::no_such_queue;
    // WAIT only tells this broker whether to wait for the disk; RocketMQ
    // brokers do not store it.
    properties.clear();
    bool well_formed = true;
    store::for_each_property(record.properties, [&](std::string_view name, std::string_view value) {
        if (name == "WAIT") return;
        if (name.find('\0') != std::string_view::npos || value.find('\0') != std::string_view::npos) well_formed = false;
        store::append_property(properties, name, value);
    });
    if (!well_formed) return core_errc::invalid_property;
    store::message_to_store m;
    m.topic = record.topic;
    m.queue_id = record.queue_id;
    m.flag = record.flag;
    m.body = store::as_bytes(record.body);
    m.properties = properties;
    m.sys_flag = record.sys_flag;
    m.born_timestamp = record.born_timestamp;
    m.born_host.bytes = record.born_host.bytes;
    m.born_host.is_v6 = record.born_host.is_v6;
    m.born_host.port = record.born_host.port;
    m.reconsume_times = record.reconsume_times;
    return m;
}

void core_engine::append_record(const engine::operation_context& ctx, engine::record_append record,
                                append_callback done) {
    std::string properties;
    auto m = to_message(record, properties);
    if (!m) return complete_on(ctx.executor, std::move(done), result<engine::append_receipt>(m.error()));
    auto id = store::find_property(properties, store::property::unique_key);
    complete_when_durable(store_.put(*m), m->queue_id, id ? std::string(*id) : std::string(), ctx.executor,
                          std::move(done));
}

void core_engine::append_records(const engine::operation_context& ctx, std::vector<engine::record_append> records,
                                 std::function<void(result<std::vector<engine::append_receipt>>)> done) {
    std::function<void(result<std::vector<engine::append_receipt>>)> finish =
        [ex = ctx.executor, done = std::move(done)](result<std::vector<engine::append_receipt>> r) {
            complete_on(ex, done, std::move(r));
        };
    if (records.empty()) return finish(std::vector<engine::append_receipt>{});
    std::vector<std::string> properties(records.size());
    std::vector<store::message_to_store> messages;
    messages.reserve(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        auto m = to_message(records[i], properties[i]);
        if (!m) return finish(m.error());
        messages.push_back(*m);
    }
    std::vector<store::append_result> stored(messages.size());
    if (auto ec = store_.put_batch(messages, stored)) return finish(ec);
    std::vector<engine::append_receipt> receipts;
    receipts.reserve(stored.size());
    for (std::size_t i = 0; i < stored.size(); ++i) {
        const auto id = store::find_property(properties[i], store::property::unique_key);
        receipts.push_back({id ? std::string(*id) : offset_message_id(stored[i].physical_offset),
                            stored[i].physical_offset, messages[i].queue_id, stored[i].queue_offset});
    }
    store_.when_durable(stored.back().end_offset(),
                        [finish = std::move(finish), receipts = std::move(receipts)](std::error_code ec) mutable {
                            if (ec && ec != store::store_errc::flush_timeout) return finish(ec);
                            for (auto& r : receipts) r.durable = !ec;
                            finish(std::move(receipts));
                        });
}

void core_engine::complete_when_durable(const result<store::append_result>& stored, std::int32_t queue_id,
                                        std::string message_id, const asio::any_io_executor& executor,
                                        append_callback done) {
    using answer = result<engine::append_receipt>;
    if (!stored) return complete_on(executor, std::move(done), answer(stored.error()));
    if (message_id.empty()) message_id = offset_message_id(stored->physical_offset);
    engine::append_receipt receipt{std::move(message_id), stored->physical_offset, queue_id, stored->queue_offset};
    // Under ASYNC_FLUSH, every append: no callback for the store to keep.
    if (store_.durable_at_once(stored->end_offset())) {
        receipt.durable = true;
        return complete_on(executor, std::move(done), answer(std::move(receipt)));
    }
    store_.when_durable(stored->end_offset(), [executor, done = std::move(done),
                                               receipt = std::move(receipt)](std::error_code ec) mutable {
        if (ec && ec != store::store_errc::flush_timeout) return complete_on(executor, std::move(done), answer(ec));
        receipt.durable = !ec;
        complete_on(executor, std::move(done), answer(std::move(receipt)));
    });
}

std::optional<std::string> core_engine::check_filter(engine::filter_language language, const std::string& text) const {
    selector_diagnostic diagnostic;
    if (record_filter::compile(language, text, diagnostic)) return std::nullopt;
    return diagnostic.to_string();
}

result<engine::subscription_id> core_engine::subscribe(const engine::operation_context& ctx,
                                                       engine::subscription_options options,
                                                       std::shared_ptr<engine::delivery_sink> sink) {
    std::vector<subscription::source> sources;
    if (options.every_topic) {
        for (const auto& topic : topics_.list())
            if (read_by_every_topic(topic)) append_queues(sources, topic);
    } else {
        auto topic = topics_.find_or_auto_create(options.topic);
        if (!topic) return topic.error();
        if (!topic->readable()) return core_errc::no_permission;
        append_queues(sources, *topic);
    }
    selector_diagnostic diagnostic;
    auto filter = record_filter::compile(options.filter_kind, options.filter, diagnostic, options.selector);
    if (!filter) return core_errc::invalid_filter;

    const engine::subscription_id id{next_subscription_.fetch_add(1)};
    std::string group_name = options.group;
    bool durable = options.durable;
    const auto private_name = private_group_prefix_ + std::to_string(id.value);
    if (options.mode == engine::delivery_mode::broadcast)
        group_name = (group_name.empty() ? "GANTRY_BROADCAST" : group_name) + "%" +
                     (ctx.client_id.empty() ? private_name : ctx.client_id);
    if (group_name.empty()) {
        group_name = private_name;
        durable = false;
    }
    auto group = join_group(group_name, options, durable);
    if (!group) return group.error();
    auto retry = topics_.retry_topic_for(group_name);
    if (!retry) {
        leave_group(**group);
        return retry.error();
    }

    sources.push_back({retry->topic_name, 0});
    if (durable) pin_start(group_name, sources, options.start);
    auto sub = std::make_shared<subscription>(id, ctx, std::move(options), std::move(sink), *group,
                                              std::move(*filter), std::move(sources));
    for (const auto& src : sub->sources()) watch(sub, src);
    {
        std::unique_lock lock(mutex_);
        subscriptions_.emplace(id.value, sub);
    }
    // A topic made between the listing above and now told no one of itself.
    if (sub->options().every_topic)
        asio::post(ctx.executor, [this, sub] { add_topics(sub, topics_.list()); });
    return id;
}

void core_engine::watch(const std::shared_ptr<subscription>& sub, const subscription::source& src) {
    const auto token = arrivals_.watch(src.topic, src.queue_id, sub->context().executor,
                                       [this, weak = std::weak_ptr(sub)](std::int64_t) {
        if (auto s = weak.lock()) post_pump(s);
    });
    if (!sub->add_watch(src.topic, token)) arrivals_.unwatch(token);
}

result<std::shared_ptr<consumer_group>> core_engine::join_group(const std::string& name,
                                                                const engine::subscription_options& options,
                                                                bool durable) {
    const auto mode = options.mode;
    std::unique_lock lock(mutex_);
    auto& group = groups_[name];
    if (!group) {
        // A group made again with offsets on record (durable) resumes from
        // them; a new one starts where the subscription that made it asked.
        const bool had_offsets = options.every_topic ? !offsets_.topics_of_group(name).empty()
                                                     : offsets_.query(name, options.topic, 0).has_value();
        group = std::make_shared<consumer_group>(name, mode, durable,
                                                 had_offsets ? std::nullopt : std::optional(options.start));
    }
    if (group->mode() != mode) return core_errc::group_mode_conflict;
    if (mode == engine::delivery_mode::exclusive && group->members() > 0) return core_errc::exclusive_group_busy;
    if (durable) group->set_durable(true);
    group->join();
    return group;
}

void core_engine::leave_group(consumer_group& group) {
    if (group.leave() > 0) return;
    if (group.durable()) {
        // Saved at once, not at the next flushConsumerOffsetInterval: a
        // durable subscriber that left expects to resume exactly there.
        for (const auto& q : group.queues()) offsets_.commit(group.name(), q.topic, q.queue_id, q.queue->committed());
        if (const auto ec = offsets_.persist())
            core_log()->warn("cannot save the offsets of durable group {} to config/consumerOffset.json: {}",
                             group.name(), ec.message());
        return;
    }
    // A non-durable group leaves nothing behind, its retry topic included.
    offsets_.remove_group(group.name());
    {
        std::unique_lock lock(mutex_);
        const auto it = groups_.find(group.name());
        if (it == groups_.end() || it->second->members() > 0) return;
        groups_.erase(it);
    }
    topics_.remove(retry_topic_name(group.name()));
}

void core_engine::release_group(const engine::operation_context& ctx, const std::string& group) {
    std::shared_ptr<consumer_group> live;
    {
        std::shared_lock lock(mutex_);
        if (const auto it = groups_.find(group); it != groups_.end()) live = it->second;
    }
    if (live) {
        live->set_durable(false);
        // Otherwise its last member, leaving after this, deletes it (leave_group).
        if (live->members() > 0) return;
    }
    delete_group(ctx, group);
}

std::error_code core_engine::delete_group(const engine::operation_context&, const std::string& group) {
    {
        std::unique_lock lock(mutex_);
        const auto it = groups_.find(group);
        if (it != groups_.end()) {
            if (it->second->members() > 0) return core_errc::group_in_use;
            groups_.erase(it);
        }
    }
    offsets_.remove_group(group);
    const auto retry = retry_topic_name(group);
    topics_.remove(retry);
    fail_held_reads_of(retry, core_errc::topic_not_exist);
    return {};
}

void core_engine::append_queues(std::vector<subscription::source>& sources, const topic_config& topic) {
    for (std::int32_t q = 0; q < topic.read_queue_nums; ++q) sources.push_back({topic.topic_name, q});
}

std::error_code core_engine::pin_group(const engine::subscription_options& options) {
    if (options.group.empty() || !options.durable) return std::make_error_code(std::errc::invalid_argument);
    std::vector<subscription::source> sources;
    auto start = options.start;
    if (options.every_topic) {
        // A group pinned before has every topic that existed then; one it has
        // no place in was made since, so all of it is the group's.
        if (!offsets_.topics_of_group(options.group).empty()) start = engine::start_position::earliest();
        for (const auto& topic : topics_.list())
            if (read_by_every_topic(topic)) append_queues(sources, topic);
    } else {
        auto topic = topics_.find_or_auto_create(options.topic);
        if (!topic) return topic.error();
        append_queues(sources, *topic);
    }
    auto retry = topics_.retry_topic_for(options.group);
    if (!retry) return retry.error();
    sources.push_back({retry->topic_name, 0});
    pin_start(options.group, sources, start);
    return {};
}

std::vector<std::string> core_engine::group_topics(const std::string& group) const {
    auto topics = offsets_.topics_of_group(group);
    std::erase_if(topics, [](const std::string& topic) { return is_retry_topic_name(topic); });
    return topics;
}

std::shared_ptr<subscription> core_engine::find_subscription(engine::subscription_id id) const {
    std::shared_lock lock(mutex_);
    const auto it = subscriptions_.find(id.value);
    return it == subscriptions_.end() ? nullptr : it->second;
}

void core_engine::grant_credit(engine::subscription_id id, int credit) {
    auto sub = find_subscription(id);
    if (!sub || credit <= 0) return;
    sub->credit.fetch_add(credit);
    post_pump(sub);
}

void core_engine::unsubscribe(engine::subscription_id id) { end_subscription(id, {}); }

void core_engine::end_subscription(engine::subscription_id id, std::error_code reason) {
    std::shared_ptr<subscription> sub;
    {
        std::unique_lock lock(mutex_);
        const auto it = subscriptions_.find(id.value);
        if (it == subscriptions_.end()) return;
        sub = std::move(it->second);
        subscriptions_.erase(it);
    }
    sub->closed = true;
    for (auto token : sub->take_watches()) arrivals_.unwatch(token);
    // What it held goes back to the other members at once.
    for (const auto& h : sub->take_unsettled())
        if (auto q = sub->group().find(h.topic, h.queue_id)) q->release(h.queue_offset, h.delivery_id);
    wake_group(sub->group());
    leave_group(sub->group());
    complete_on(sub->context().executor, [s = sub, reason] { s->sink().closed(reason); });
}

std::error_code core_engine::commit_offset(const engine::operation_context&, const std::string& group,
                                           const std::string& topic, std::int32_t queue_id, std::int64_t offset) {
    if (!topics_.find(topic)) return core_errc::topic_not_exist;
    offsets_.commit(group, topic, queue_id, offset);
    return {};
}

std::optional<std::int64_t> core_engine::committed_offset(const std::string& group, const std::string& topic,
                                                          std::int32_t queue_id) const {
    return offsets_.query(group, topic, queue_id);
}

std::optional<std::int64_t> core_engine::durable_offset(const std::string& group, const std::string& topic,
                                                        std::int32_t queue_id) const {
    return offsets_.query_durable(group, topic, queue_id);
}

std::int64_t core_engine::position_offset(const engine::start_position& at, std::string_view topic,
                                         std::int32_t queue_id) const {
    switch (at.from) {
    case engine::start_position::kind::earliest: return store_.min_offset(topic, queue_id);
    case engine::start_position::kind::offset: return at.value;
    case engine::start_position::kind::timestamp: return store_.offset_for_timestamp(topic, queue_id, at.value);
    case engine::start_position::kind::log_position: return store_.offset_for_log_position(topic, queue_id, at.value);
    case engine::start_position::kind::latest: break;
    }
    return store_.max_offset(topic, queue_id);
}

void core_engine::pin_start(const std::string& group, const std::vector<subscription::source>& sources,
                            const engine::start_position& start) {
    bool pinned = false;
    for (const auto& src : sources) {
        if (offsets_.query(group, src.topic, src.queue_id)) continue;
        offsets_.commit(group, src.topic, src.queue_id,
                        is_retry_topic_name(src.topic) ? store_.min_offset(src.topic, src.queue_id)
                                                       : position_offset(start, src.topic, src.queue_id));
        pinned = true;
    }
    if (!pinned) return;
    if (const auto ec = offsets_.persist())
        core_log()->warn("cannot save the start of durable group {} to config/consumerOffset.json: {}; after a crash "
                         "it would start again from its subscription's start position",
                         group, ec.message());
}

std::int64_t core_engine::start_offset(const consumer_group& group, const engine::start_position& start,
                                       std::string_view topic, std::int32_t queue_id) const {
    if (auto committed = offsets_.query(group.name(), topic, queue_id)) return *committed;
    // A group's retry topic only ever holds its own messages: read it all.
    if (is_retry_topic_name(topic)) return store_.min_offset(topic, queue_id);
    return position_offset(group.start().value_or(start), topic, queue_id);
}

std::error_code core_engine::reset_offsets(const engine::operation_context&, const std::string& group,
                                           const std::string& topic, engine::start_position to) {
    const auto config = topics_.find(topic);
    if (!config) return core_errc::topic_not_exist;
    std::shared_ptr<consumer_group> live;
    {
        std::shared_lock lock(mutex_);
        if (const auto it = groups_.find(group); it != groups_.end()) live = it->second;
    }
    for (std::int32_t q = 0; q < config->read_queue_nums; ++q) {
        const std::int64_t offset = position_offset(to, topic, q);
        offsets_.reset_to(group, topic, q, offset);
        if (live) live->restart(topic, q, offset);
    }
    if (live) wake_group(*live);
    return {};
}

std::optional<asio::any_io_executor> core_engine::readers_executor(const std::string& topic) const {
    const auto config = topics_.find(topic);
    if (!config) return std::nullopt;
    return arrivals_.sole_home(topic, config->read_queue_nums);
}

std::optional<engine::topic_info> core_engine::find_topic(const std::string& name) const {
    const auto config = topics_.find(name);
    if (!config) return std::nullopt;
    return engine::topic_info{config->topic_name, config->read_queue_nums, config->write_queue_nums, config->perm,
                              config->topic_sys_flag, config->order};
}

engine::topic_table core_engine::list_topics() const {
    engine::topic_table table;
    const auto version = topics_.version();
    table.version_counter = version.counter;
    table.version_timestamp_ms = version.timestamp;
    for (auto& c : topics_.list())
        table.topics.push_back({std::move(c.topic_name), c.read_queue_nums, c.write_queue_nums, c.perm,
                                c.topic_sys_flag, c.order});
    return table;
}

std::vector<std::string> core_engine::topic_names() const {
    std::vector<std::string> names;
    for (auto& config : topics_.list()) names.push_back(std::move(config.topic_name));
    return names;
}

result<engine::queue_state> core_engine::query_queue(const std::string& topic, std::int32_t queue_id) const {
    const auto config = topics_.find(topic);
    if (!config) return core_errc::topic_not_exist;
    if (queue_id < 0 || queue_id >= config->read_queue_nums) return core_errc::no_such_queue;
    engine::queue_state state{store_.min_offset(topic, queue_id), store_.max_offset(topic, queue_id),
                              store_.earliest_store_time(topic, queue_id)};
    // RocketMQ's accessMessageInMemoryMaxRatio: the newest 40 % of physical
    // memory worth of commit log counts as "in memory".
    if (const auto first = store_.queue_entry(topic, queue_id, 0)) {
        static const std::int64_t in_memory_bytes =
            static_cast<std::int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGE_SIZE) / 100 * 40;
        state.first_in_memory = store_.commit_log_max_offset() - first->physical_offset <= in_memory_bytes;
    }
    return state;
}

std::int64_t core_engine::offset_at_time(const std::string& topic, std::int32_t queue_id,
                                         std::int64_t timestamp_ms) const {
    return store_.offset_for_timestamp(topic, queue_id, timestamp_ms);
}

std::int64_t core_engine::log_end() const { return store_.commit_log_max_offset(); }

std::string core_engine::offset_message_id(std::int64_t physical_offset) const {
    return store::offset_message_id(store_.config().store_host, physical_offset);
}

result<engine::delivery> core_engine::find_by_offset_id(const std::string& offset_message_id) {
    const auto id = store::decode_offset_message_id(offset_message_id);
    if (!id || !(id->store_host == store_.config().store_host)) return core_errc::message_not_found;
    auto ref = store_.read_record_at(id->physical_offset);
    if (!ref) return core_errc::message_not_found;
    const auto record = store::decode_record(ref->bytes);
    if (!record) return core_errc::message_not_found;
    return to_delivery(*ref, *record, record->reconsume_times + 1);
}

std::vector<engine::delivery> core_engine::find_by_key(const std::string& topic, const std::string& key,
                                                       std::size_t max_results) {
    std::vector<engine::delivery> out;
    for (const auto& ref : store_.query_by_key(topic, key, max_results, 0, INT64_MAX)) {
        const auto record = store::decode_record(ref.bytes);
        if (!record) continue;
        out.push_back(to_delivery(ref, *record, record->reconsume_times + 1));
    }
    return out;
}

std::optional<engine::stored_record> core_engine::stored_record_at(std::int64_t physical_offset) const {
    auto ref = store_.read_record_at(physical_offset);
    if (!ref) return std::nullopt;
    return engine::stored_record{ref->bytes, std::move(ref->file)};
}

std::vector<engine::stored_record> core_engine::find_stored_by_key(const std::string& topic, const std::string& key,
                                                                   std::size_t max_results, std::int64_t begin_ms,
                                                                   std::int64_t end_ms) const {
    std::vector<engine::stored_record> out;
    for (auto& ref : store_.query_by_key(topic, key, max_results, begin_ms, end_ms))
        out.push_back({ref.bytes, std::move(ref.file)});
    return out;
}

void core_engine::fill_delivery(engine::delivery& d, const store::record_ref& ref,
                                const store::decoded_record& record, int delivery_count, body_placement body) const {
    const auto placement = record.sys_flag & store::sys_flag::compressed ? body_placement::copied : body;
    d.msg = decode_message(record, placement);
    if (placement == body_placement::in_place) d.stored_body = {record.body, ref.file};
    d.delivery_count = delivery_count;
    d.store_timestamp = record.store_timestamp;
    d.physical_offset = record.physical_offset;
}

engine::delivery core_engine::to_delivery(const store::record_ref& ref, const store::decoded_record& record,
                                          int delivery_count) const {
    engine::delivery d;
    fill_delivery(d, ref, record, delivery_count);
    return d;
}

void core_engine::persist_offsets() {
    std::vector<std::shared_ptr<consumer_group>> groups;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [name, g] : groups_)
            if (g->durable()) groups.push_back(g);
    }
    for (const auto& g : groups)
        for (const auto& q : g->queues()) offsets_.commit(g->name(), q.topic, q.queue_id, q.queue->committed());
    if (auto ec = offsets_.persist())
        core_log()->error("cannot write consumer offsets to {}: {}; committed offsets are kept in memory until "
                          "the disk accepts them",
                          offsets_.file_path().string(), ec.message());
}

} // namespace gantry::core
