#pragma once

#include "gantry/engine/facade.hpp"

namespace gantry::protocols::common::testing {

// An engine facade that hands every call to another one: a test derives
// from it and overrides the calls it wants to watch or hold.
class forwarding_facade : public engine::facade {
public:
    explicit forwarding_facade(engine::facade& inner) : inner_(inner) {}

    void declare(const engine::operation_context& ctx, engine::declare_options options,
                 std::function<void(std::error_code)> done) override {
        inner_.declare(ctx, std::move(options), std::move(done));
    }
    void append(const engine::operation_context& ctx, engine::message msg,
                std::function<void(result<engine::append_receipt>)> done) override {
        inner_.append(ctx, std::move(msg), std::move(done));
    }
    void append_batch(const engine::operation_context& ctx, std::vector<engine::message> msgs,
                      std::function<void(std::vector<result<engine::append_receipt>>)> done) override {
        inner_.append_batch(ctx, std::move(msgs), std::move(done));
    }
    std::string new_message_id() override { return inner_.new_message_id(); }
    void append_record(const engine::operation_context& ctx, engine::record_append record,
                       std::function<void(result<engine::append_receipt>)> done) override {
        inner_.append_record(ctx, std::move(record), std::move(done));
    }
    std::optional<std::string> check_filter(engine::filter_language language, const std::string& text) const override {
        return inner_.check_filter(language, text);
    }
    result<engine::subscription_id> subscribe(const engine::operation_context& ctx,
                                                      engine::subscription_options options,
                                                      std::shared_ptr<engine::delivery_sink> sink) override {
        return inner_.subscribe(ctx, std::move(options), std::move(sink));
    }
    void grant_credit(engine::subscription_id id, int credit) override { inner_.grant_credit(id, credit); }
    void settle(engine::subscription_id id, const engine::delivery_handle& handle, engine::outcome result) override {
        inner_.settle(id, handle, result);
    }
    void settle_on_hand_over(engine::subscription_id id, bool on) override { inner_.settle_on_hand_over(id, on); }
    bool extend(engine::subscription_id id, const engine::delivery_handle& handle,
                std::chrono::milliseconds more) override {
        return inner_.extend(id, handle, more);
    }
    void unsubscribe(engine::subscription_id id) override { inner_.unsubscribe(id); }
    void read(const engine::operation_context& ctx, engine::read_request request,
              std::function<void(result<engine::read_result>)> done) override {
        inner_.read(ctx, std::move(request), std::move(done));
    }
    std::error_code commit_offset(const engine::operation_context& ctx, const std::string& group,
                                  const std::string& topic, std::int32_t queue_id, std::int64_t offset) override {
        return inner_.commit_offset(ctx, group, topic, queue_id, offset);
    }
    std::optional<std::int64_t> committed_offset(const std::string& group, const std::string& topic,
                                                 std::int32_t queue_id) const override {
        return inner_.committed_offset(group, topic, queue_id);
    }
    std::optional<std::int64_t> durable_offset(const std::string& group, const std::string& topic,
                                               std::int32_t queue_id) const override {
        return inner_.durable_offset(group, topic, queue_id);
    }
    std::error_code reset_offsets(const engine::operation_context& ctx, const std::string& group,
                                  const std::string& topic, engine::start_position to) override {
        return inner_.reset_offsets(ctx, group, topic, to);
    }
    std::error_code delete_group(const engine::operation_context& ctx, const std::string& group) override {
        return inner_.delete_group(ctx, group);
    }
    void release_group(const engine::operation_context& ctx, const std::string& group) override {
        inner_.release_group(ctx, group);
    }
    std::vector<std::string> group_topics(const std::string& group) const override {
        return inner_.group_topics(group);
    }
    std::vector<engine::group_info> list_groups() const override { return inner_.list_groups(); }
    std::error_code pin_group(const engine::subscription_options& options) override {
        return inner_.pin_group(options);
    }
    result<std::uint64_t> trim_backlog(const engine::operation_context& ctx,
                                               std::span<const engine::subscription_options> groups,
                                               std::uint64_t keep) override {
        return inner_.trim_backlog(ctx, groups, keep);
    }
    std::optional<engine::topic_info> find_topic(const std::string& name) const override {
        return inner_.find_topic(name);
    }
    std::vector<std::string> topic_names() const override { return inner_.topic_names(); }
    std::optional<asio::any_io_executor> readers_executor(const std::string& topic) const override {
        return inner_.readers_executor(topic);
    }
    engine::topic_table list_topics() const override { return inner_.list_topics(); }
    std::error_code delete_topic(const engine::operation_context& ctx, const std::string& topic) override {
        return inner_.delete_topic(ctx, topic);
    }
    result<engine::queue_state> query_queue(const std::string& topic, std::int32_t queue_id) const override {
        return inner_.query_queue(topic, queue_id);
    }
    std::int64_t offset_at_time(const std::string& topic, std::int32_t queue_id,
                                std::int64_t timestamp_ms) const override {
        return inner_.offset_at_time(topic, queue_id, timestamp_ms);
    }
    std::int64_t log_end() const override { return inner_.log_end(); }
    std::string offset_message_id(std::int64_t physical_offset) const override {
        return inner_.offset_message_id(physical_offset);
    }
    result<engine::delivery> find_by_offset_id(const std::string& offset_message_id) override {
        return inner_.find_by_offset_id(offset_message_id);
    }
    std::vector<engine::delivery> find_by_key(const std::string& topic, const std::string& key,
                                              std::size_t max_results) override {
        return inner_.find_by_key(topic, key, max_results);
    }
    void append_records(const engine::operation_context& ctx, std::vector<engine::record_append> records,
                        std::function<void(result<std::vector<engine::append_receipt>>)> done) override {
        inner_.append_records(ctx, std::move(records), std::move(done));
    }
    std::optional<engine::stored_record> stored_record_at(std::int64_t physical_offset) const override {
        return inner_.stored_record_at(physical_offset);
    }
    std::vector<engine::stored_record> find_stored_by_key(const std::string& topic, const std::string& key,
                                                          std::size_t max_results, std::int64_t begin_ms,
                                                          std::int64_t end_ms) const override {
        return inner_.find_stored_by_key(topic, key, max_results, begin_ms, end_ms);
    }
    void send_back(const engine::operation_context& ctx, engine::send_back_request request,
                   std::function<void(std::error_code)> done) override {
        inner_.send_back(ctx, std::move(request), std::move(done));
    }
    engine::retained_store& retained() override { return inner_.retained(); }
    engine::group_config_store& group_configs() override { return inner_.group_configs(); }

private:
    engine::facade& inner_;
};

} // namespace gantry::protocols::common::testing
