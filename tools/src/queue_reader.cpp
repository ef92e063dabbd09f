#include "queue_reader.hpp"


namespace gantry::tools {

namespace {

constexpr auto retry_pause = std::chrono::milliseconds(500);

} // namespace

queue_reader::queue_reader(client::client_runtime& runtime, client::pull_consumer& consumer, std::map<client::message_queue, std::int64_t> starts,
                           client::pull_options options, bool commit)
    : runtime_(runtime), consumer_(consumer), options_(std::move(options)), commit_(commit) {
    std::lock_guard lock(mutex_);
    for (const auto& [queue, offset] : starts) queues_[queue].pull_offset = offset;
    for (const auto& [queue, offset] : starts) pull(queue);
}

queue_reader::~queue_reader() { stop(); }

// Called with mutex_ held.
void queue_reader::pull(const client::message_queue& queue) {
    auto& q = queues_.at(queue);
    auto options = options_;
    if (commit_ && q.taken_offset > q.committed) {
        options.commit_offset = q.taken_offset;
        q.committed = q.taken_offset;
    }
    ++in_flight_;
    consumer_.pull_async(queue, q.pull_offset, options,
                         [this, queue](result<client::pull_result> pulled) { on_pulled(queue, std::move(pulled)); });
}

void queue_reader::on_pulled(const client::message_queue& queue, result<client::pull_result> pulled) {
    std::lock_guard lock(mutex_);
    auto& q = queues_.at(queue);
    if (!pulled) {
        ready_.push_back({queue, {}, q.pull_offset, pulled.error()});
        changed_.notify_all();
        // A broker that is down: pause before asking it again rather than spin.
        auto timer = std::make_shared<asio::steady_timer>(runtime_.executor(), retry_pause);
        timer->async_wait([this, timer, queue](const boost::system::error_code&) {
            std::lock_guard relock(mutex_);
            --in_flight_;
            changed_.notify_all();
            if (!stopping_) pull(queue);
        });
        return;
    }
    --in_flight_;
    const bool moved = pulled->next_begin_offset != q.pull_offset;
    q.pull_offset = pulled->next_begin_offset;
    if (!pulled->messages.empty() || moved) ready_.push_back({queue, std::move(pulled->messages), q.pull_offset, {}});
    changed_.notify_all();
    if (stopping_) return;
    if (ready_.size() >= max_backlog) {
        q.waiting_for_room = true;
        return;
    }
    pull(queue);
}

std::optional<queue_reader::batch> queue_reader::next(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [this] { return !ready_.empty(); })) return std::nullopt;
    auto b = std::move(ready_.front());
    ready_.pop_front();
    if (!stopping_ && ready_.size() < max_backlog / 2) {
        for (auto& [queue, q] : queues_) {
            if (!q.waiting_for_room) continue;
            q.waiting_for_room = false;
            pull(queue);
        }
    }
    return b;
}

void queue_reader::consumed(const client::message_queue& queue, std::int64_t next_offset) {
    std::lock_guard lock(mutex_);
    auto& taken = queues_.at(queue).taken_offset;
    taken = std::max(taken, next_offset);
}

void queue_reader::stop() {
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    changed_.wait(lock, [this] { return in_flight_ == 0; });
    if (!commit_) return;
    for (const auto& [queue, q] : queues_) {
        if (q.taken_offset > q.committed) consumer_.commit_offset_confirmed(queue, q.taken_offset);
    }
}

} // namespace gantry::tools
