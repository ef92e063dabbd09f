#include "process_queue.hpp"

#include "broker_call.hpp"
#include "client_log.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/pull_sys_flag.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "message_encoding.hpp"
#include "request.hpp"

namespace gantry::protocols::remoting::client {

namespace {

// Java's pauses: after a failed pull, when the cache is full, when an orderly queue is not locked.
constexpr std::chrono::milliseconds pause_after_error{3000};
constexpr std::chrono::milliseconds pause_when_full{50};
constexpr std::chrono::milliseconds pause_when_unlocked{3000};
// The broker holds a long poll this long at most; the request waits longer.
constexpr std::chrono::milliseconds pull_margin{15000};
// Java's REBALANCE_LOCK_MAX_LIVE_TIME: a lock not renewed this long is not trusted.
constexpr std::chrono::milliseconds lock_live_time{30000};

// A message from the retry topic is handed out under its original topic.
void restore_retry_topic(received_message& m) {
    if (!m.topic.starts_with(retry_topic_prefix)) return;
    const auto it = m.properties.find("RETRY_TOPIC");
    if (it != m.properties.end() && !it->second.empty()) m.topic = it->second;
}

} // namespace

process_queue::process_queue(client_runtime& runtime, message_queue queue, pull_settings settings,
                             std::int64_t next_offset, found_handler found)
    : runtime_(runtime), queue_(std::move(queue)), settings_(std::move(settings)), found_(std::move(found)),
      next_offset_(next_offset) {}

void process_queue::drop() {
    dropped_ = true;
    if (timer_) timer_->cancel();
}

std::int64_t process_queue::commit_offset() const { return cache_.empty() ? next_offset_ : cache_.begin()->first; }

std::vector<received_message> process_queue::take(std::size_t max) {
    std::vector<received_message> out;
    for (auto& [offset, e] : cache_) {
        if (out.size() >= max) break;
        if (e.taken) continue;
        e.taken = true;
        out.push_back(e.message);
    }
    return out;
}

void process_queue::remove(const std::vector<received_message>& messages) {
    for (const auto& m : messages) cache_.erase(m.queue_offset);
}

void process_queue::give_back(const std::vector<received_message>& messages) {
    for (const auto& m : messages)
        if (const auto it = cache_.find(m.queue_offset); it != cache_.end()) {
            it->second.taken = false;
            it->second.message.reconsume_times = m.reconsume_times;
        }
}

bool process_queue::locked() const {
    return lock_held_ && std::chrono::steady_clock::now() - locked_at_ < lock_live_time;
}

void process_queue::set_locked(bool locked) {
    lock_held_ = locked;
    if (locked) locked_at_ = std::chrono::steady_clock::now();
}

void process_queue::pull_later(std::chrono::milliseconds delay) {
    if (dropped_) return;
    if (!timer_) timer_ = std::make_unique<asio::steady_timer>(runtime_.executor());
    timer_->expires_after(delay);
    timer_->async_wait([self = shared_from_this()](std::error_code ec) {
        if (!ec) self->pull();
    });
}

void process_queue::pull() {
    if (dropped_) return;
    // Flow control: a queue whose messages wait for the listener is not pulled.
    if (cache_.size() >= settings_.max_cached) return pull_later(pause_when_full);
    if (settings_.needs_lock && !locked()) return pull_later(pause_when_unlocked);
    auto request = make_request(request_code::pull_message);
    // Like Java's push consumer, the subscription bit stays clear: the broker
    // uses the heartbeat's subscription.
    std::int32_t sys_flag = pull_sys_flag::suspend;
    const auto commit = commit_offset();
    if (settings_.commit_with_pull && commit > 0) sys_flag |= pull_sys_flag::commit_offset;
    request.set_ext("consumerGroup", settings_.group);
    request.set_ext("topic", queue_.topic);
    request.set_ext("queueId", std::to_string(queue_.queue_id));
    request.set_ext("queueOffset", std::to_string(next_offset_));
    request.set_ext("maxMsgNums", std::to_string(settings_.batch_size));
    request.set_ext("sysFlag", std::to_string(sys_flag));
    request.set_ext("commitOffset", std::to_string(commit));
    request.set_ext("suspendTimeoutMillis", std::to_string(settings_.long_poll.count()));
    request.set_ext("subVersion", std::to_string(settings_.sub.version));
    request.set_ext("expressionType", settings_.sub.type);
    invoke_broker(runtime_, queue_, std::move(request),
                  [self = shared_from_this()](result<remoting_command> response) { self->on_pulled(std::move(response)); },
                  settings_.long_poll + pull_margin);
}

void process_queue::on_pulled(result<remoting_command> response) {
    if (dropped_) return;
    if (!response) {
        if (response.error() != client_errc::stopped)
            client_log()->warn("pull of {}/{}/{} for group {} failed: {}; pulling again in {} ms", queue_.topic,
                               queue_.broker_name, queue_.queue_id, settings_.group, response.error().message(),
                               pause_after_error.count());
        return pull_later(pause_after_error);
    }
    const auto code = response->code;
    if (code != response_code::success && code != response_code::pull_not_found &&
        code != response_code::pull_retry_immediately && code != response_code::pull_offset_moved) {
        client_log()->warn("pull of {}/{}/{} for group {} refused: {} {}; pulling again in {} ms", queue_.topic,
                           queue_.broker_name, queue_.queue_id, settings_.group, code,
                           response->remark.value_or(""), pause_after_error.count());
        return pull_later(pause_after_error);
    }
    const auto next = response_long(*response, "nextBeginOffset");
    if (!next) return pull_later(pause_after_error);
    if (code == response_code::pull_offset_moved)
        client_log()->warn("offset {} of {}/{}/{} is outside the queue; group {} continues at {}", next_offset_,
                           queue_.topic, queue_.broker_name, queue_.queue_id, settings_.group, *next);
    if (code == response_code::success) {
        auto messages = decode_records(response->body, queue_.broker_name);
        if (!messages) {
            client_log()->error("a pull of {}/{}/{} returned records that cannot be decoded; pulling them again in "
                                "{} ms",
                                queue_.topic, queue_.broker_name, queue_.queue_id, pause_after_error.count());
            return pull_later(pause_after_error);
        }
        bool any = false;
        for (auto& m : *messages) {
            if (!settings_.sub.accepts_tag(m.tags)) continue;
            restore_retry_topic(m);
            cache_.emplace(m.queue_offset, entry{std::move(m), false});
            any = true;
        }
        next_offset_ = *next;
        if (any) found_(shared_from_this());
    } else {
        next_offset_ = *next;
    }
    pull();
}

} // namespace gantry::protocols::remoting::client
