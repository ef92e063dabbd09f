#pragma once

#include <chrono>
#include <optional>
#include <unordered_map>

#include <boost/intrusive/list.hpp>

#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/connection.hpp"

namespace gantry::protocols::common {

// The open connections of one io_context, and the other sockets listeners
// admitted there (HTTP exchanges not yet upgraded). It owns each connection
// from start() until close(): a connection whose input is paused and which
// has nothing to write has no pending operation to keep it alive. It aborts
// a listener's sockets when the listener stops. And it closes those silent for
// their idle timeout with one timer for all of them, where a timer and its
// pending wait per connection were a tenth of an idle connection's memory.
// Each tick asks every connection whether its timeout has passed; ticks come
// at an eighth of the shortest timeout (10 ms to 1 s), so a silent peer is
// closed at most that much after its timeout. When the io_context shuts down
// it lets go of every connection still open, which closes them.
//
// One per io_context (asio::use_service), touched only by that context's
// thread, like the connections it holds (io_pool runs each context on one
// thread).
class open_connections final : public asio::execution_context::service {
public:
    using key_type = open_connections;
    static inline asio::execution_context::id id;

    explicit open_connections(asio::execution_context& context);

    // Those of the io_context `executor` belongs to.
    static open_connections& of(const asio::any_io_executor& executor);

    // Holds `conn`, opened just now, until release().
    void keep(connection& conn);
    // Lists `socket` (not a connection) until it is destroyed or unlinked,
    // so that abort_admitted_by finds it; does not own it.
    void list(accepted_socket& socket);
    // Aborts every socket listed here that `listener` admitted.
    void abort_admitted_by(const admission& listener);
    // `conn` has a new idle timeout: ticks come often enough for it.
    void timeout_changed(connection& conn);
    // Lets go of `conn`, which closed; it is destroyed later on its own
    // executor, once what is running now no longer uses it.
    static void release(connection& conn);
    // Lets go of `conn`, which moves to another io_context, to be kept by
    // that one's: the owning reference, for the move to hold meanwhile.
    static std::shared_ptr<connection> hand_over(connection& conn);
    // Where connections asked to move go, until they can (connection::
    // move_to): kept here rather than in each connection, as few ever move.
    void ask_move(const connection& conn, asio::io_context& target) { moves_[&conn] = &target; }
    asio::io_context& take_move(const connection& conn);
    void forget_move(const connection& conn) { moves_.erase(&conn); }

private:
    // Not constant-time size: auto-unlinking hooks leave the lists unaware.
    using connection_list = boost::intrusive::list<connection, boost::intrusive::base_hook<open_socket_hook>,
                                                   boost::intrusive::constant_time_size<false>>;
    using socket_list = boost::intrusive::list<accepted_socket, boost::intrusive::base_hook<open_socket_hook>,
                                               boost::intrusive::constant_time_size<false>>;

    void shutdown() override;
    // A tick within `period` from now, unless one comes sooner already.
    void tick_within(std::chrono::steady_clock::duration period);
    void tick();
    static std::chrono::steady_clock::duration period_for(std::chrono::milliseconds timeout);

    connection_list open_;
    socket_list others_;
    std::optional<asio::steady_timer> timer_; // made with the first connection's executor
    std::optional<std::chrono::steady_clock::time_point> next_tick_;
    std::unordered_map<const connection*, asio::io_context*> moves_;
};

} // namespace gantry::protocols::common
