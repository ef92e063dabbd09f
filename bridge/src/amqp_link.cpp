#include "amqp_link.hpp"

#include <fmt/format.h>
#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/sasl.h>
#include <proton/transport.h>

#include <utility>
#include <vector>

namespace gantry::bridge {

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string host_of(const std::string& address) {
    auto host = address.substr(0, address.rfind(':'));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return host;
}

} // namespace

std::string describe_condition(pn_condition_t* condition) {
    if (!pn_condition_is_set(condition)) return "no reason given";
    const char* description = pn_condition_get_description(condition);
    return fmt::format("{}{}{}", pn_condition_get_name(condition), description ? ": " : "",
                       description ? description : "");
}

amqp_link::amqp_link(asio::any_io_executor executor, events on, std::shared_ptr<asio::ssl::context> tls,
                     bool verify)
    : on_(std::move(on)),
      connection_(remote_connection::owned_by(*this, executor, std::move(tls), verify)),
      tick_timer_(executor) {}

void amqp_link::on_connection_opened() { dispatch(); }

void amqp_link::on_connection_closed(std::string why) {
    tick_timer_.cancel();
    if (on_.closed) on_.closed(std::move(why));
}

amqp_link::~amqp_link() { connection_->close(); }

void amqp_link::open(const std::string& address, const identity& who, std::chrono::milliseconds timeout) {
    auto* transport = driver_.transport();
    auto* connection = driver_.connection();
    auto* sasl = pn_sasl(transport);
    // PLAIN in clear on plain TCP, as the remote offers it; TLS protects it where configured.
    pn_sasl_set_allow_insecure_mechs(sasl, true);
    pn_sasl_allowed_mechs(sasl, who.username ? "PLAIN" : "ANONYMOUS");
    if (who.username) pn_connection_set_user(connection, who.username->c_str());
    if (who.password) pn_connection_set_password(connection, who.password->c_str());
    pn_connection_set_container(connection, who.container_id.c_str());
    pn_connection_set_hostname(connection, host_of(address).c_str());
    if (who.idle_timeout_ms > 0) pn_transport_set_idle_timeout(transport, who.idle_timeout_ms);
    driver_.bind();
    pn_connection_open(connection);
    connection_->open(address, timeout); // the header and open go out once connected
}

std::size_t amqp_link::on_bytes(std::span<const std::byte> input) {
    std::size_t consumed = 0;
    while (consumed < input.size() && !connection_->closed()) {
        const auto taken = driver_.feed(input.subspan(consumed));
        dispatch();
        if (taken == 0) break; // proton reads no more: dispatch reported why
        consumed += taken;
    }
    return consumed;
}

void amqp_link::flush() {
    if (dispatching_) return; // the running dispatch writes it
    const auto self = shared_from_this(); // an event may make the owner drop the link
    dispatch();
}

void amqp_link::dispatch() {
    if (connection_->closed()) return;
    dispatching_ = true;
    while (auto* event = driver_.next_event()) {
        if (pn_event_type(event) == PN_TRANSPORT_ERROR)
            transport_error_ = describe_condition(pn_transport_condition(driver_.transport()));
        on_.event(event);
        if (connection_->closed()) {
            dispatching_ = false;
            return;
        }
    }
    dispatching_ = false;
    std::vector<std::byte> output;
    driver_.take_output(output);
    connection_->write(std::move(output));
    if (driver_.finished() || driver_.read_closed()) {
        return fail(transport_error_.empty() ? address() + " ended the AMQP connection"
                                             : "the AMQP connection to " + address() + " failed: " + transport_error_);
    }
    arm_tick(driver_.tick(now_ms()));
}

void amqp_link::arm_tick(std::int64_t deadline_ms) {
    if (deadline_ms == 0 || deadline_ms == armed_deadline_ms_) return;
    armed_deadline_ms_ = deadline_ms;
    tick_timer_.expires_after(std::chrono::milliseconds(std::max<std::int64_t>(0, deadline_ms - now_ms())));
    tick_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        const auto self = weak.lock();
        if (ec || !self) return;
        self->armed_deadline_ms_ = 0;
        self->dispatch(); // ticks proton: heartbeats out, the remote's silence detected
    });
}

void amqp_link::close() {
    tick_timer_.cancel();
    connection_->close();
}

} // namespace gantry::bridge
