#include "consume_service.hpp"

#include <exception>
#include <limits>

#include "broker_call.hpp"
#include "client_log.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "request.hpp"

namespace gantry::protocols::remoting::client {

namespace {

// Java's consumeLater pause when a failed message could not go back to the broker.
constexpr std::chrono::milliseconds local_retry_pause{5000};
// CONSUMER_SEND_MSG_BACK delay levels: 0 lets the broker pick (3 + reconsume
// times); a negative one sends the message straight to %DLQ%<group>.
constexpr std::int32_t broker_chooses_delay = 0;
constexpr std::int32_t dead_letter_delay = -1;

std::string describe(const received_message& m) {
    return m.msg_id + " (" + m.topic + " queue " + std::to_string(m.queue_id) + " offset " +
           std::to_string(m.queue_offset) + ")";
}

} // namespace

consume_service::consume_service(client_runtime& runtime, const push_consumer_options& options, listeners l,
                                 released_handler released)
    : runtime_(runtime), options_(options), listeners_(std::move(l)), released_(std::move(released)),
      pool_(std::max<std::size_t>(options.consume_threads, 1)) {}

consume_service::~consume_service() { pool_.join(); }

void consume_service::join() { pool_.join(); }

void consume_service::stop(std::function<void()> idle) {
    stopping_ = true;
    if (running_ == 0) return idle();
    idle_ = std::move(idle);
}

void consume_service::finished_one() {
    if (--running_ == 0 && idle_) std::exchange(idle_, nullptr)();
}

void consume_service::after(std::chrono::milliseconds delay, std::function<void()> fn) {
    auto timer = std::make_shared<asio::steady_timer>(runtime_.executor(), delay);
    timer->async_wait([timer, fn = std::move(fn)](std::error_code) { fn(); });
}

void consume_service::dispatch(const std::shared_ptr<process_queue>& queue) {
    if (stopping_ || queue->dropped()) return;
    const auto size = std::max<std::size_t>(options_.consume_batch_size, 1);
    if (orderly()) {
        if (queue->consuming || !queue->locked()) return;
        auto messages = queue->take(size);
        if (messages.empty()) return;
        queue->consuming = true;
        return submit(queue, std::move(messages));
    }
    for (auto messages = queue->take(size); !messages.empty(); messages = queue->take(size))
        submit(queue, std::move(messages));
}

void consume_service::submit(const std::shared_ptr<process_queue>& queue, batch messages) {
    ++running_;
    asio::post(pool_, [self = shared_from_this(), queue, messages = std::move(messages)]() mutable {
        auto result = outcome::skipped;
        if (!self->stopping_) {
            // A throwing listener counts as a failure, as in Java.
            try {
                result = self->orderly()
                             ? (self->listeners_.orderly(messages) == orderly_status::success ? outcome::success
                                                                                              : outcome::failed)
                             : (self->listeners_.concurrent(messages) == consume_status::success ? outcome::success
                                                                                                 : outcome::failed);
            } catch (const std::exception& e) {
                client_log()->warn("the listener of group {} threw on {} message(s) of {}: {}; they are consumed "
                                   "again",
                                   self->options_.group, messages.size(), queue->queue().topic, e.what());
                result = outcome::failed;
            }
        }
        asio::post(self->runtime_.executor(), [self, queue, messages = std::move(messages), result]() mutable {
            self->consumed(queue, std::move(messages), result);
        });
    });
}

void consume_service::consumed(const std::shared_ptr<process_queue>& queue, batch messages, outcome result) {
    if (orderly())
        orderly_done(queue, std::move(messages), result);
    else
        concurrent_done(queue, std::move(messages), result);
    finished_one();
}

void consume_service::concurrent_done(const std::shared_ptr<process_queue>& queue, batch messages, outcome result) {
    if (result == outcome::skipped) return queue->give_back(messages);
    if (result == outcome::success) return queue->remove(messages);
    if (options_.model == message_model::broadcasting) {
        for (const auto& m : messages)
            client_log()->warn("broadcasting consumer of group {} failed message {}; it is dropped (broadcast "
                               "messages are not redelivered)",
                               options_.group, describe(m));
        return queue->remove(messages);
    }
    for (auto& m : messages) {
        ++running_;
        send_back(queue->queue(), m, broker_chooses_delay, [self = shared_from_this(), queue, m](bool stored) mutable {
            if (stored) {
                queue->remove({m});
            } else {
                // Consumed again here after a pause; it stays in the cache (and holds the offset) meanwhile.
                self->after(local_retry_pause, [self, queue, m]() mutable {
                    if (self->stopping_ || queue->dropped()) return queue->give_back({m});
                    ++m.reconsume_times;
                    self->submit(queue, {m});
                });
            }
            self->finished_one();
        });
    }
}

void consume_service::orderly_done(const std::shared_ptr<process_queue>& queue, batch messages, outcome result) {
    if (result == outcome::skipped || queue->dropped()) {
        queue->give_back(messages);
        queue->consuming = false;
        if (queue->dropped() && released_) released_(queue);
        return;
    }
    if (result == outcome::success) {
        queue->remove(messages);
        return orderly_next(queue);
    }
    // Suspended: messages past maxReconsumeTimes go to the dead-letter queue,
    // the others are consumed again, in order, after the pause.
    auto pending = std::make_shared<std::size_t>(1);
    auto again = std::make_shared<batch>();
    auto finish_one = [self = shared_from_this(), queue, pending, again] {
        if (--*pending > 0) return;
        queue->give_back(*again);
        if (again->empty()) return self->orderly_next(queue);
        self->after(self->options_.suspend_pause, [self, queue] { self->orderly_next(queue); });
    };
    // As Java: an orderly consumer without a limit (-1) never gives up on a message.
    const auto limit = options_.max_reconsume_times < 0 ? std::numeric_limits<std::int32_t>::max()
                                                         : options_.max_reconsume_times;
    for (auto& m : messages) {
        if (m.reconsume_times < limit) {
            ++m.reconsume_times;
            again->push_back(m);
            continue;
        }
        ++*pending;
        ++running_;
        send_back(queue->queue(), m, dead_letter_delay,
                  [self = shared_from_this(), queue, m, again, finish_one](bool stored) {
                      if (stored)
                          queue->remove({m});
                      else
                          again->push_back(m);
                      finish_one();
                      self->finished_one();
                  });
    }
    finish_one();
}

void consume_service::orderly_next(const std::shared_ptr<process_queue>& queue) {
    queue->consuming = false;
    if (queue->dropped() && released_) return released_(queue);
    dispatch(queue);
}

void consume_service::send_back(const message_queue& queue, const received_message& m, std::int32_t delay_level,
                                std::function<void(bool)> done) {
    auto request = make_request(request_code::consumer_send_msg_back);
    request.set_ext("offset", std::to_string(m.commit_log_offset));
    request.set_ext("group", options_.group);
    request.set_ext("delayLevel", std::to_string(delay_level));
    request.set_ext("originMsgId", m.msg_id);
    request.set_ext("originTopic", m.topic);
    request.set_ext("unitMode", "false");
    // Without one the broker applies the group's retryMaxTimes.
    if (options_.max_reconsume_times >= 0)
        request.set_ext("maxReconsumeTimes", std::to_string(options_.max_reconsume_times));
    invoke_broker(runtime_, queue, std::move(request),
                  [group = options_.group, id = describe(m), done = std::move(done)](result<remoting_command> response) {
                      response = expect_success(std::move(response));
                      if (!response)
                          client_log()->warn("cannot send failed message {} of group {} back to the broker: {}; it "
                                             "is consumed again here",
                                             id, group, response.error().message());
                      done(static_cast<bool>(response));
                  });
}

} // namespace gantry::protocols::remoting::client
