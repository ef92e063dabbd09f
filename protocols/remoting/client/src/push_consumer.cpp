#include "gantry/protocols/remoting/client/push_consumer.hpp"

#include <cstdio>
#include <cstdlib>
#include <future>

#include "client_log.hpp"
#include "consumer_core.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/remoting/reset_offset_body.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "heartbeat_body.hpp"

namespace gantry::protocols::remoting::client {

namespace {

// Programming errors of the application (STYLE.md 7).
[[noreturn]] void misuse(const char* what) {
    std::fprintf(stderr, "gantry push_consumer: %s\n", what);
    std::abort();
}

} // namespace

// What the application sets before start(); the consumer_core once started.
class push_consumer::core {
public:
    push_consumer_options options;
    std::vector<subscription> subscriptions;
    consume_service::listeners listeners;
    std::shared_ptr<consumer_core> running;
};

push_consumer::push_consumer(client_runtime& runtime, push_consumer_options options)
    : runtime_(runtime), core_(std::make_shared<core>()) {
    core_->options = std::move(options);
}

push_consumer::~push_consumer() { shutdown(); }

void push_consumer::subscribe(std::string topic, std::string expression, std::string type) {
    if (started_) misuse("subscribe() after start()");
    std::erase_if(core_->subscriptions, [&](const subscription& s) { return s.topic == topic; });
    core_->subscriptions.push_back(
        make_subscription(std::move(topic), std::move(expression), std::move(type), engine::wall_clock_ms()));
}

void push_consumer::listen(concurrent_listener listener) {
    if (started_) misuse("listen() after start()");
    core_->listeners = {std::move(listener), {}};
}

void push_consumer::listen_orderly(orderly_listener listener) {
    if (started_) misuse("listen_orderly() after start()");
    core_->listeners = {{}, std::move(listener)};
}

std::error_code push_consumer::start() {
    if (started_) return {};
    if (core_->subscriptions.empty() || (!core_->listeners.concurrent && !core_->listeners.orderly))
        return std::make_error_code(std::errc::invalid_argument);
    started_ = true;
    auto subscriptions = core_->subscriptions;
    // Java's clustering consumers also read their group's retry topic.
    if (core_->options.model == message_model::clustering)
        subscriptions.push_back(
            make_subscription("%RETRY%" + core_->options.group, "*", "TAG", engine::wall_clock_ms()));
    core_->running = std::make_shared<consumer_core>(runtime_, core_->options, std::move(subscriptions),
                                                     core_->listeners);
    std::weak_ptr<consumer_core> weak = core_->running;
    runtime_.add_request_listener([weak, group = core_->options.group](const std::string& address,
                                                                       const remoting_command& request) {
        if (request.code == request_code::notify_consumer_ids_changed) {
            const auto asked = request.ext_string("consumerGroup");
            if (!asked || *asked != group) return;
            if (const auto self = weak.lock()) self->rebalance();
        } else if (request.code == request_code::reset_consumer_client_offset) {
            const auto asked = request.ext_string("group");
            const auto topic = request.ext_string("topic");
            if (!asked || *asked != group || !topic) return;
            const auto table = parse_reset_offset_body(request.body);
            if (!table) {
                client_log()->warn("consumer group {} ignores a RESET_CONSUMER_CLIENT_OFFSET from {}: its body is "
                                   "not a ResetOffsetBody",
                                   group, address);
                return;
            }
            std::map<message_queue, std::int64_t> offsets;
            for (const auto& q : *table) offsets[{q.topic, q.broker_name, q.queue_id}] = q.offset;
            if (const auto self = weak.lock()) self->reset_offsets(std::string(*topic), offsets);
        }
    });
    const auto started = wait_for<bool>(runtime_, [&](std::function<void(result<bool>)> done) {
        asio::post(runtime_.executor(), [running = core_->running, done] {
            running->start([done](std::error_code ec) {
                if (ec) return done(ec);
                done(true);
            });
        });
    });
    if (!started) {
        shutdown();
        return started.error();
    }
    return {};
}

void push_consumer::shutdown() {
    if (!started_ || stopped_) return;
    stopped_ = true;
    wait_for<bool>(runtime_, [&](std::function<void(result<bool>)> done) {
        asio::post(runtime_.executor(), [running = core_->running, done] { running->shutdown([done] { done(true); }); });
    });
    core_->running->join();
}

std::vector<message_queue> push_consumer::assigned_queues() const {
    if (!started_ || stopped_) return {};
    auto queues = wait_for<std::vector<message_queue>>(runtime_, [&](auto done) {
        asio::post(runtime_.executor(), [running = core_->running, done] { done(running->assigned()); });
    });
    return queues ? std::move(*queues) : std::vector<message_queue>{};
}

} // namespace gantry::protocols::remoting::client
