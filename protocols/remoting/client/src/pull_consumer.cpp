#include "gantry/protocols/remoting/client/pull_consumer.hpp"

#include "broker_call.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/pull_sys_flag.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "message_encoding.hpp"
#include "request.hpp"

namespace gantry::protocols::remoting::client {

namespace {

// The broker may hold a long poll this long; the request waits a little more.
constexpr auto long_poll_margin = std::chrono::seconds(5);

remoting_command queue_request(std::int32_t code, const message_queue& queue) {
    auto request = make_request(code);
    request.set_ext("topic", queue.topic);
    request.set_ext("queueId", std::to_string(queue.queue_id));
    return request;
}

std::optional<pull_status> pull_status_of(std::int32_t code) {
    switch (code) {
    case response_code::success: return pull_status::found;
    case response_code::pull_not_found: return pull_status::no_new_messages;
    case response_code::pull_retry_immediately: return pull_status::no_matched_messages;
    case response_code::pull_offset_moved: return pull_status::offset_illegal;
    default: return std::nullopt;
    }
}

result<pull_result> read_pull_response(const remoting_command& response, const std::string& broker_name) {
    const auto status = pull_status_of(response.code);
    if (!status) return response_error(response.code);
    const auto next = response_long(response, "nextBeginOffset");
    const auto min = response_long(response, "minOffset");
    const auto max = response_long(response, "maxOffset");
    if (!next || !min || !max) return client_errc::malformed_response;
    pull_result pulled{*status, *next, *min, *max, {}};
    if (*status == pull_status::found) {
        auto messages = decode_records(response.body, broker_name);
        if (!messages) return messages.error();
        pulled.messages = std::move(*messages);
    }
    return pulled;
}

} // namespace

pull_consumer::pull_consumer(client_runtime& runtime, std::string group)
    : runtime_(runtime), group_(std::move(group)) {}

void pull_consumer::queues_async(std::string topic, handler<std::vector<message_queue>> done) {
    runtime_.route(topic, [topic, done = std::move(done)](result<std::shared_ptr<const topic_route>> route) {
        if (!route) return done(route.error());
        done(read_queues(**route, topic));
    });
}

result<std::vector<message_queue>> pull_consumer::queues(std::string topic) {
    return wait_for<std::vector<message_queue>>(runtime_, [&](auto done) { queues_async(std::move(topic), done); });
}

void pull_consumer::pull_async(const message_queue& queue, std::int64_t offset, const pull_options& options,
                               handler<pull_result> done) {
    auto request = queue_request(request_code::pull_message, queue);
    std::int32_t sys_flag = pull_sys_flag::subscription;
    if (options.long_poll.count() > 0) sys_flag |= pull_sys_flag::suspend;
    if (options.commit_offset) sys_flag |= pull_sys_flag::commit_offset;
    request.set_ext("consumerGroup", group_);
    request.set_ext("queueOffset", std::to_string(offset));
    request.set_ext("maxMsgNums", std::to_string(options.max_messages));
    request.set_ext("sysFlag", std::to_string(sys_flag));
    request.set_ext("commitOffset", std::to_string(options.commit_offset.value_or(0)));
    request.set_ext("suspendTimeoutMillis", std::to_string(options.long_poll.count()));
    request.set_ext("subscription", options.expression);
    request.set_ext("subVersion", "0");
    request.set_ext("expressionType", options.expression_type);
    const auto timeout = runtime_.options().request_timeout + options.long_poll +
                         (options.long_poll.count() > 0 ? std::chrono::milliseconds(long_poll_margin)
                                                        : std::chrono::milliseconds::zero());
    invoke_broker(runtime_, queue, std::move(request),
                  [broker = queue.broker_name, done = std::move(done)](result<remoting_command> response) {
                      if (!response) return done(response.error());
                      done(read_pull_response(*response, broker));
                  },
                  timeout);
}

result<pull_result> pull_consumer::pull(const message_queue& queue, std::int64_t offset, const pull_options& options) {
    return wait_for<pull_result>(runtime_, [&](auto done) { pull_async(queue, offset, options, done); });
}

void pull_consumer::committed_offset_async(const message_queue& queue, handler<std::int64_t> done) {
    auto request = queue_request(request_code::query_consumer_offset, queue);
    request.set_ext("consumerGroup", group_);
    invoke_broker(runtime_, queue, std::move(request), [done = std::move(done)](result<remoting_command> response) {
        if (response && response->code == response_code::query_not_found) return done(std::int64_t{-1});
        response = expect_success(std::move(response));
        if (!response) return done(response.error());
        done(response_long(*response, "offset"));
    });
}

result<std::int64_t> pull_consumer::committed_offset(const message_queue& queue) {
    return wait_for<std::int64_t>(runtime_, [&](auto done) { committed_offset_async(queue, done); });
}

void pull_consumer::commit_offset(const message_queue& queue, std::int64_t offset) {
    auto request = queue_request(request_code::update_consumer_offset, queue);
    request.set_ext("consumerGroup", group_);
    request.set_ext("commitOffset", std::to_string(offset));
    runtime_.route(queue.topic, [this, broker = queue.broker_name,
                                 request = std::move(request)](result<std::shared_ptr<const topic_route>> route) {
        if (!route) return;
        if (const auto address = master_address(**route, broker)) runtime_.invoke_oneway(*address, request);
    });
}

result<std::int64_t> pull_consumer::commit_offset_confirmed(const message_queue& queue, std::int64_t offset) {
    auto request = queue_request(request_code::update_consumer_offset, queue);
    request.set_ext("consumerGroup", group_);
    request.set_ext("commitOffset", std::to_string(offset));
    return wait_for<std::int64_t>(runtime_, [&](handler<std::int64_t> done) {
        invoke_broker(runtime_, queue, std::move(request), [offset, done](result<remoting_command> response) {
            response = expect_success(std::move(response));
            if (!response) return done(response.error());
            done(offset);
        });
    });
}

void pull_consumer::queue_offset_async(std::int32_t code, const message_queue& queue, handler<std::int64_t> done) {
    invoke_broker(runtime_, queue, queue_request(code, queue), [done = std::move(done)](result<remoting_command> response) {
        response = expect_success(std::move(response));
        if (!response) return done(response.error());
        done(response_long(*response, "offset"));
    });
}

void pull_consumer::min_offset_async(const message_queue& queue, handler<std::int64_t> done) {
    queue_offset_async(request_code::get_min_offset, queue, std::move(done));
}

void pull_consumer::max_offset_async(const message_queue& queue, handler<std::int64_t> done) {
    queue_offset_async(request_code::get_max_offset, queue, std::move(done));
}

result<std::int64_t> pull_consumer::min_offset(const message_queue& queue) {
    return wait_for<std::int64_t>(runtime_, [&](auto done) { min_offset_async(queue, done); });
}

result<std::int64_t> pull_consumer::max_offset(const message_queue& queue) {
    return wait_for<std::int64_t>(runtime_, [&](auto done) { max_offset_async(queue, done); });
}

result<std::int64_t> pull_consumer::offset_at_time(const message_queue& queue, std::int64_t timestamp_ms) {
    auto request = queue_request(request_code::search_offset_by_timestamp, queue);
    request.set_ext("timestamp", std::to_string(timestamp_ms));
    return wait_for<std::int64_t>(runtime_, [&](handler<std::int64_t> done) {
        invoke_broker(runtime_, queue, std::move(request), [done](result<remoting_command> response) {
            response = expect_success(std::move(response));
            if (!response) return done(response.error());
            done(response_long(*response, "offset"));
        });
    });
}

} // namespace gantry::protocols::remoting::client
