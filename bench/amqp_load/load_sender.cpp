#include "load_sender.hpp"

#include <cstring>

#include <proton/error_condition.hpp>
#include <proton/sender_options.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/work_queue.hpp>

namespace amqp_load {

load_sender::load_sender(const options& o, run_signals& signals, flow_window& window)
    : options_(o), signals_(signals), window_(window), body_(static_cast<std::size_t>(o.size), 'x') {
    message_.durable(o.durable);
}

void load_sender::on_connection_open(proton::connection& c) {
    connection_ = c;
    work_queue_ = &c.work_queue();
    proton::sender_options link;
    link.delivery_mode(options_.mode == delivery::at_most_once ? proton::delivery_mode::AT_MOST_ONCE
                                                               : proton::delivery_mode::AT_LEAST_ONCE);
    c.open_sender(options_.address, link);
}

void load_sender::on_sender_open(proton::sender& s) {
    sender_ = s;
    ready_.store(true, std::memory_order_release);
}

void load_sender::on_sendable(proton::sender&) { send_while_allowed(); }

void load_sender::send_one() {
    work_queue_->add([this] {
        ++owed_;
        send_while_allowed();
    });
}

void load_sender::wake() {
    if (signals_.stop_sending) return; // nothing to wake, and the connection may be closing
    work_queue_->add([this] { send_while_allowed(); });
}

void load_sender::send_while_allowed() {
    const bool paced = options_.rate > 0;
    while (sender_.credit() > 0 && !signals_.stop_sending.load(std::memory_order_relaxed) && (!paced || owed_ > 0) &&
           window_.allows()) {
        const std::int64_t stamp = now_ns();
        std::memcpy(body_.data(), &stamp, sizeof stamp);
        message_.body(body_);
        sender_.send(message_);
        window_.sent_one();
        sent_.fetch_add(1, std::memory_order_release);
        if (paced) --owed_;
    }
}

void load_sender::on_tracker_accept(proton::tracker&) { accepted_.fetch_add(1, std::memory_order_release); }

void load_sender::on_tracker_reject(proton::tracker&) {
    refuse("the broker rejected a message on " + options_.address + " (see its log)");
}
// Proton reports a modified outcome as a release too.
void load_sender::on_tracker_release(proton::tracker&) {
    refuse("the broker released a message on " + options_.address + " (see its log)");
}

void load_sender::close() {
    if (work_queue_ == nullptr) return;
    work_queue_->add([this] {
        if (connection_.active()) connection_.close();
    });
}

void load_sender::on_transport_close(proton::transport&) { closed_.store(true, std::memory_order_release); }

void load_sender::on_transport_error(proton::transport& t) {
    if (!signals_.closing) signals_.fail("sender connection to " + options_.host + ":" + std::to_string(options_.port) +
                                         " failed: " + t.error().what());
    closed_.store(true, std::memory_order_release);
}

void load_sender::on_error(const proton::error_condition& e) { refuse("sender on " + options_.address + ": " + e.what()); }

void load_sender::refuse(const std::string& what) {
    if (signals_.closing) return;
    signals_.fail(what);
    if (work_queue_ != nullptr && connection_.active()) connection_.close();
}

} // namespace amqp_load
