#include "load_receiver.hpp"

#include <cstring>

#include <proton/binary.hpp>
#include <proton/delivery.hpp>
#include <proton/error_condition.hpp>
#include <proton/message.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/transport.hpp>
#include <proton/work_queue.hpp>

namespace amqp_load {

void load_receiver::on_connection_open(proton::connection& c) {
    connection_ = c;
    work_queue_ = &c.work_queue();
    proton::receiver_options link;
    // Credit is ours to give (window 0): proton's own window tops it up by one
    // flow per message, which costs RabbitMQ 3.x's plugin a credit round trip
    // to its queue process each time and drops it to a few thousand msg/s.
    link.credit_window(0).auto_accept(true);
    link.delivery_mode(options_.mode == delivery::at_most_once ? proton::delivery_mode::AT_MOST_ONCE
                                                               : proton::delivery_mode::AT_LEAST_ONCE);
    c.open_receiver(options_.address, link);
}

void load_receiver::on_receiver_open(proton::receiver& r) {
    r.add_credit(options_.credit);
    ready_.store(true, std::memory_order_release);
}

void load_receiver::on_message(proton::delivery& d, proton::message& m) {
    const std::int64_t now = now_ns();
    std::int64_t stamp = now;
    const auto body = proton::get<proton::binary>(m.body());
    if (body.size() >= sizeof stamp) std::memcpy(&stamp, body.data(), sizeof stamp);
    if (stamp >= signals_.measure_from_ns.load(std::memory_order_relaxed)) {
        latencies_.record(static_cast<std::uint64_t>(now > stamp ? now - stamp : 0) / 1000);
    }
    last_ns_.store(now, std::memory_order_release);
    received_.fetch_add(1, std::memory_order_release);
    if (window_.received_one()) wake_sender_();
    // Refilled in batches of half the window, as a client that cares for its broker does.
    auto r = d.receiver();
    if (r.credit() <= options_.credit / 2) r.add_credit(options_.credit - r.credit());
}

void load_receiver::close() {
    if (work_queue_ == nullptr) return;
    work_queue_->add([this] {
        if (connection_.active()) connection_.close();
    });
}

void load_receiver::on_transport_close(proton::transport&) { closed_.store(true, std::memory_order_release); }

void load_receiver::on_transport_error(proton::transport& t) {
    if (!signals_.closing) signals_.fail("receiver connection to " + options_.host + ":" +
                                         std::to_string(options_.port) + " failed: " + t.error().what());
    closed_.store(true, std::memory_order_release);
}

void load_receiver::on_error(const proton::error_condition& e) {
    if (signals_.closing) return;
    signals_.fail("receiver on " + options_.address + ": " + e.what());
    if (work_queue_ != nullptr && connection_.active()) connection_.close();
}

} // namespace amqp_load
