#include "amqp_session.hpp"

#include <chrono>
#include <random>
#include <utility>

#include <fmt/format.h>
#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/delivery.h>
#include <proton/event.h>
#include <proton/link.h>
#include <proton/session.h>
#include <proton/transport.h>

#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/common/client_identity.hpp"
#include "amqp_log.hpp"

namespace gantry::protocols::amqp {

namespace {

std::string random_session_id() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("{:016x}", random());
}

std::int64_t steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

} // namespace

amqp_session::amqp_session(common::connection& conn, const common::session_context& context,
                           engine::facade& engine, const amqp_options& options,
                           const security::access_control& access)
    : conn_(conn),
      remote_address_(context.remote_address),
      engine_(engine),
      options_(options),
      access_(access),
      sasl_(access.users),
      tick_timer_(context.executor),
      session_id_(random_session_id()) {
    auto* transport = driver_.transport();
    sasl_.install(transport);
    pn_transport_set_max_frame(transport, static_cast<std::uint32_t>(context.limits.max_frame_size));
    pn_transport_set_channel_max(transport, static_cast<std::uint16_t>(options_.max_sessions - 1));
    pn_transport_set_idle_timeout(transport, static_cast<pn_millis_t>(options_.idle_timeout.count()));
    pn_connection_set_container(driver_.connection(), "gantry");
    driver_.bind();
}

amqp_session::~amqp_session() = default;

common::consume_result amqp_session::consume(std::span<const std::byte> input) {
    if (closed_) return common::consume_result::took(input.size());
    consuming_ = true;
    const auto taken = driver_.feed(input);
    while (auto* event = driver_.next_event()) dispatch(event);
    flush();
    consuming_ = false;
    if (finishing_) return {taken, true, close_reason_};
    // A closed read side takes nothing more: drop what the peer still sends.
    return common::consume_result::took(taken == 0 && driver_.read_closed() ? input.size() : taken);
}

void amqp_session::dispatch(pn_event_t* event) {
    switch (pn_event_type(event)) {
    case PN_CONNECTION_REMOTE_OPEN: return on_connection_remote_open();
    case PN_CONNECTION_REMOTE_CLOSE: return on_connection_remote_close();
    case PN_SESSION_REMOTE_OPEN: return on_session_remote_open(pn_event_session(event));
    case PN_SESSION_REMOTE_CLOSE: return on_session_remote_close(pn_event_session(event));
    case PN_LINK_REMOTE_OPEN: return on_link_remote_open(pn_event_link(event));
    case PN_LINK_REMOTE_CLOSE: return on_link_remote_close(pn_event_link(event), true);
    case PN_LINK_REMOTE_DETACH: return on_link_remote_close(pn_event_link(event), false);
    case PN_LINK_FLOW: return on_link_flow(pn_event_link(event));
    case PN_DELIVERY: {
        auto* delivery = pn_event_delivery(event);
        if (pn_link_is_receiver(pn_delivery_link(delivery))) return on_incoming_delivery(delivery);
        return on_outgoing_update(delivery);
    }
    case PN_TRANSPORT_ERROR: return on_transport_error();
    default: return;
    }
}

void amqp_session::schedule_flush() {
    if (flush_scheduled_ || closed_) return;
    flush_scheduled_ = true;
    asio::post(conn_.executor(), [this, alive = conn_.weak_from_this()] {
        if (!alive.lock()) return;
        flush_scheduled_ = false;
        if (closed_) return;
        while (auto* event = driver_.next_event()) dispatch(event);
        flush();
    });
}

void amqp_session::flush() {
    if (closed_) return;
    arm_tick(driver_.tick(steady_ms()));
    // Taking the output may raise events (the transport's end): handle
    // them too, so finished() sees the whole story.
    std::string out;
    do {
        while (auto* event = driver_.next_event()) dispatch(event);
        driver_.take_output(out);
    } while (driver_.has_event());
    if (!out.empty()) conn_.send(std::move(out));
    // After a transport error proton has written its close and reads no
    // more; it does not always mark its write side done, so stop here too.
    if (!finishing_ && (driver_.finished() || transport_failed_)) {
        finishing_ = true;
        if (close_reason_.empty()) close_reason_ = "AMQP connection closed";
        tick_timer_.cancel();
        if (!consuming_) conn_.close_after_flush(close_reason_);
    }
}

void amqp_session::arm_tick(std::int64_t deadline_ms) {
    if (deadline_ms == tick_deadline_) return;
    tick_deadline_ = deadline_ms;
    if (deadline_ms == 0) {
        tick_timer_.cancel();
        return;
    }
    tick_timer_.expires_after(std::chrono::milliseconds(std::max<std::int64_t>(deadline_ms - steady_ms(), 0)));
    tick_timer_.async_wait([this, alive = conn_.weak_from_this()](const std::error_code& error) {
        if (error || !alive.lock() || closed_) return;
        tick_deadline_ = 0;
        flush();
    });
}

void amqp_session::close_with(const char* condition, std::string description) {
    if (close_reason_.empty()) close_reason_ = std::string(condition) + ": " + description;
    amqp_log()->warn("closing AMQP connection of {}: {} ({})", who(), description, condition);
    driver_.fail(condition, description);
}

void amqp_session::on_writable() {
    for (auto& [id, out] : outgoing_) top_up_outgoing(out);
    flush();
}

void amqp_session::on_closed(std::string_view reason) {
    if (closed_) return;
    closed_ = true;
    tick_timer_.cancel();
    // Settlements held by open transactions die with them: the engine hands
    // every unsettled message of a shared group to another consumer.
    transactions_.clear();
    for (auto& [id, out] : outgoing_) end_outgoing(out, false);
    if (opened_) amqp_log()->debug("AMQP {} disconnected: {}", who(), reason);
}

amqp_session::incoming_link* amqp_session::find_incoming(pn_link_t* link) {
    const auto it = incoming_.find(link);
    return it == incoming_.end() ? nullptr : &it->second;
}

amqp_session::outgoing_link* amqp_session::find_outgoing(pn_link_t* link) {
    const auto it = outgoing_ids_.find(link);
    if (it == outgoing_ids_.end()) return nullptr;
    const auto out = outgoing_.find(it->second);
    return out == outgoing_.end() ? nullptr : &out->second;
}

std::int64_t amqp_session::now_ms() const { return engine::wall_clock_ms(); }

engine::operation_context amqp_session::context() const {
    return {principal_.username.value_or(""), container_id_, conn_.executor()};
}

std::string amqp_session::who() const { return common::describe_client(container_id_, remote_address_); }

bool amqp_session::allowed(security::access_kind kind, std::string_view name) const {
    return access_.allows(kind, principal_, container_id_, name);
}

} // namespace gantry::protocols::amqp
