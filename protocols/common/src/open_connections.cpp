#include "gantry/protocols/common/open_connections.hpp"

#include <algorithm>
#include <memory>
#include <vector>

namespace gantry::protocols::common {

namespace {

constexpr std::chrono::steady_clock::duration shortest_period = std::chrono::milliseconds(10);
constexpr std::chrono::steady_clock::duration longest_period = std::chrono::seconds(1);

} // namespace

open_connections::open_connections(asio::execution_context& context) : asio::execution_context::service(context) {}

open_connections& open_connections::of(const asio::any_io_executor& executor) {
    return asio::use_service<open_connections>(asio::query(executor, asio::execution::context));
}

void open_connections::shutdown() {
    // Unlinked first: a connection destroyed here closes, and releases.
    std::vector<std::shared_ptr<connection>> held;
    open_.clear_and_dispose([&](connection* conn) { held.push_back(std::move(conn->kept_)); });
    held.clear();
    others_.clear();
    timer_.reset();
    next_tick_.reset();
}

std::chrono::steady_clock::duration open_connections::period_for(std::chrono::milliseconds timeout) {
    return std::clamp<std::chrono::steady_clock::duration>(timeout / 8, shortest_period, longest_period);
}

void open_connections::keep(connection& conn) {
    conn.kept_ = conn.shared_from_this();
    open_.push_back(conn);
    if (!timer_) timer_.emplace(conn.executor());
    timeout_changed(conn);
}

void open_connections::list(accepted_socket& socket) {
    others_.push_back(socket);
}

void open_connections::abort_admitted_by(const admission& listener) {
    // Aborted after the walk: aborting unlinks.
    std::vector<std::shared_ptr<connection>> connections;
    for (auto& conn : open_) {
        if (conn.admitted_by() == &listener) connections.push_back(conn.shared_from_this());
    }
    std::vector<accepted_socket*> others;
    for (auto& socket : others_) {
        if (socket.admitted_by() == &listener) others.push_back(&socket);
    }
    for (auto& conn : connections) conn->abort_for_stop();
    for (auto* socket : others) socket->abort_for_stop();
}

void open_connections::timeout_changed(connection& conn) {
    if (conn.idle_timeout_.count() > 0) tick_within(period_for(conn.idle_timeout_));
}

void open_connections::release(connection& conn) {
    conn.open_socket_hook::unlink();
    if (conn.kept_) asio::post(conn.executor(), [last = std::move(conn.kept_)] {});
}

std::shared_ptr<connection> open_connections::hand_over(connection& conn) {
    conn.open_socket_hook::unlink();
    return std::move(conn.kept_);
}

asio::io_context& open_connections::take_move(const connection& conn) {
    const auto it = moves_.find(&conn);
    auto& target = *it->second;
    moves_.erase(it);
    return target;
}

void open_connections::tick_within(std::chrono::steady_clock::duration period) {
    const auto at = std::chrono::steady_clock::now() + period;
    if (next_tick_ && *next_tick_ <= at) return;
    next_tick_ = at;
    // Moving the expiry cancels the wait for the later tick.
    timer_->expires_at(at);
    timer_->async_wait([this](const boost::system::error_code& error) {
        if (!error) tick();
    });
}

void open_connections::tick() {
    next_tick_.reset();
    const auto now = std::chrono::steady_clock::now();
    // Closed after the walk: closing unlinks, and a session's farewell may
    // close others.
    std::vector<std::shared_ptr<connection>> silent;
    auto shortest = std::chrono::milliseconds::max();
    for (auto& conn : open_) {
        if (!conn.watches_idleness()) continue;
        if (conn.idle_timeout_passed(now)) silent.push_back(conn.shared_from_this());
        else shortest = std::min<std::chrono::milliseconds>(shortest, conn.idle_timeout_);
    }
    for (auto& conn : silent) conn->close_for_idleness();
    if (shortest != std::chrono::milliseconds::max()) tick_within(period_for(shortest));
}

} // namespace gantry::protocols::common
