#pragma once

#include <atomic>
#include <cstdint>

namespace amqp_load {

// At most `size` messages sent and not yet received, end to end (0: no
// bound but the broker's credit). Without it a broker that grants a large
// credit (RabbitMQ 3.10: 65,536 per link) lets the sender flood its queue,
// and what is measured is how the broker copes with a flood rather than the
// rate it sustains. The sender's thread calls allows() and sent_one(), the
// receiver's thread received_one(), which says when to wake the sender:
// once a blocked sender's window is half empty again.
class flow_window {
public:
    explicit flow_window(std::int64_t size) : size_(size) {}

    bool allows() {
        if (size_ == 0 || in_flight() < size_) return true;
        waiting_.store(true);
        // A receipt between the check and the flag would wake nobody: look again.
        return in_flight() < size_;
    }
    void sent_one() { sent_.fetch_add(1); }
    bool received_one() {
        received_.fetch_add(1);
        return waiting_.load() && in_flight() <= size_ / 2 && waiting_.exchange(false);
    }

private:
    std::int64_t in_flight() const { return sent_.load() - received_.load(); }

    const std::int64_t size_;
    std::atomic<std::int64_t> sent_{0};
    std::atomic<std::int64_t> received_{0};
    std::atomic<bool> waiting_{false};
};

} // namespace amqp_load
