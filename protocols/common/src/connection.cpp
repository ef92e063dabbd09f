#include "gantry/protocols/common/connection.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "gantry/engine/handler_tail.hpp"
#include "gantry/protocols/common/open_connections.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "listener_log.hpp"

namespace gantry::protocols::common {

namespace {

// After the last byte is flushed and our side is shut, how long the peer's
// remaining input is read and dropped before closing. Closing with unread
// input makes the kernel send a reset, which can destroy the very reply the
// peer has not read yet.
constexpr auto drain_linger = std::chrono::seconds(1);

// At most 49 days, which no protocol's keep-alive comes near.
std::chrono::duration<std::uint32_t, std::milli> idle_limit(std::chrono::milliseconds timeout) {
    return std::chrono::duration<std::uint32_t, std::milli>(
        std::clamp<std::int64_t>(timeout.count(), 0, std::numeric_limits<std::uint32_t>::max()));
}

std::size_t input_budget(const connection_limits& limits) {
    return std::max<std::size_t>(limits.input_budget_bytes, 1);
}

} // namespace

connection::connection(std::unique_ptr<byte_stream> stream, options opts)
    : stream_(std::move(stream)),
      options_(std::move(opts)),
      input_(input_budget(limits())),
      idle_timeout_(idle_limit(limits().idle_timeout)) {
    home_.store(io_context_of(stream_->executor()), std::memory_order_relaxed);
}

connection::~connection() {
    // Only when the io_context was destroyed with this connection's handlers
    // still queued (a forced shutdown): the session must still hear of it.
    if (state_ != state::closed) {
        close("the broker stopped");
    }
}

void connection::start(protocol_module& module) {
    if (state_ != state::created) {
        return;
    }
    state_ = state::open;
    last_read_ = std::chrono::steady_clock::now();
    open_connections::of(executor()).keep(*this);
    session_ = module.make_session(*this, session_context{remote_address(), stream_->local_port(), executor(),
                                                          limits()});
    if (!session_) {
        listener_log()->error("{} connection #{} from {}: the protocol module made no session; closing",
                              protocol(), id(), remote_address());
        close("no session");
        return;
    }
    if (state_ != state::open) {
        return;
    }
    pump_input();
}

void connection::send(std::span<const asio::const_buffer> buffers, std::shared_ptr<const void> keep_alive) {
    queue_output([&](output_queue& out) { out.push(buffers, std::move(keep_alive)); });
}

void connection::send(std::string bytes) {
    queue_output([&](output_queue& out) { out.push(std::move(bytes)); });
}

void connection::send(std::vector<std::byte> bytes) {
    queue_output([&](output_queue& out) { out.push(std::move(bytes)); });
}

void connection::send(std::span<const std::byte> head, std::span<const std::byte> tail,
                      std::shared_ptr<const void> keep_alive) {
    queue_output([&](output_queue& out) { out.push(head, tail, std::move(keep_alive)); });
}

template <typename Push>
void connection::queue_output(Push push) {
    if (state_ != state::open) {
        return;
    }
    if (!output_) output_ = std::make_unique<output_queue>();
    push(*output_);
    if (output_->bytes() > limits().output_budget_bytes) {
        output_blocked_ = true;
    }
    start_write();
}

void connection::close_after_flush(std::string reason) {
    if (state_ != state::open) {
        return;
    }
    state_ = state::flushing;
    closing_ = std::make_unique<closing_state>(closing_state{asio::steady_timer(executor()), std::move(reason)});
    close_unless_left(limits().flush_timeout, state::flushing);
    start_write();
    if (!writing_ && output_empty()) {
        begin_drain();
    }
}

void connection::close(std::string_view reason) {
    if (state_ == state::closed) {
        return;
    }
    state_ = state::closed;
    if (std::exchange(moving_, false)) open_connections::of(executor()).forget_move(*this);
    open_connections::release(*this);
    if (closing_) closing_->deadline.cancel();
    stream_->close();
    listener_log()->debug("{} connection #{} from {}: closed ({})", protocol(), id(), remote_address(), reason);
    if (session_) {
        session_->on_closed(reason);
    }
    if (const auto& listener = options_.shared->admitted) {
        listener->finished();
    }
}

void connection::pause_input() {
    session_paused_ = true;
}

void connection::resume_input() {
    if (!session_paused_) {
        return;
    }
    session_paused_ = false;
    pump_input();
}

void connection::move_to(asio::io_context& target) {
    const auto* home = home_.load(std::memory_order_relaxed);
    if (!home || !stream_->can_move() || state_ != state::open) {
        return;
    }
    auto& here = open_connections::of(executor());
    if (home == &target) {
        if (std::exchange(moving_, false)) here.forget_move(*this);
        return;
    }
    here.ask_move(*this, target);
    moving_ = true;
    try_move();
}

bool connection::on_its_thread() const noexcept {
    auto* home = home_.load(std::memory_order_acquire);
    return !home || home->get_executor().running_in_this_thread();
}

void connection::try_move() {
    if (state_ != state::open || consuming_ || writing_ || !output_empty() || !input_.empty() || input_paused() ||
        (reading_ && !waiting_readable_) || !session_ || !session_->movable()) {
        return; // tried again when that ends
    }
    auto& here = open_connections::of(executor());
    auto& target = here.take_move(*this);
    moving_ = false;
    // A readable wait ends aborted, on this thread; on_readable drops it.
    auto moved = stream_->moved_to(target);
    if (!moved) {
        close("could not move the connection to another io thread");
        return;
    }
    reading_ = waiting_readable_ = false;
    output_.reset();
    input_.release();
    stream_ = std::move(moved);
    // Nothing of the connection is pending here any more: from now on only
    // the target's thread touches it.
    auto self = open_connections::hand_over(*this);
    home_.store(&target, std::memory_order_release);
    asio::post(target, [self = std::move(self)] { self->arrive(); });
}

void connection::arrive() {
    open_connections::of(executor()).keep(*this);
    listener_log()->debug("{} connection #{} from {}: moved to another io thread", protocol(), id(),
                          remote_address());
    if (const auto* admitted = admitted_by(); admitted && admitted->stopped()) {
        close("listener stopped");
        return;
    }
    pump_input();
}

void connection::set_idle_timeout(std::chrono::milliseconds timeout) {
    idle_timeout_ = idle_limit(timeout);
    if (state_ != state::open) {
        return;
    }
    open_connections::of(executor()).timeout_changed(*this);
}

// Shows the session what is buffered for as long as it makes progress and
// nothing pauses input, then reads more if there is room.
void connection::pump_input() {
    if (state_ != state::open || consuming_) {
        return;
    }
    {
        // A subscription on this thread that the input's appends woke is
        // pumped as the consuming ends, before this connection writes or
        // reads again and before the reactor's next turn.
        const engine::handler_tail tail(executor());
        consuming_ = true;
        while (state_ == state::open && !input_.empty() && !input_paused()) {
            const auto data = input_.data();
            consume_result result = session_->consume(data);
            if (state_ != state::open) {
                break;
            }
            if (result.close) {
                consuming_ = false;
                close_after_flush(std::move(result.reason));
                return;
            }
            if (result.consumed > data.size()) {
                listener_log()->critical(
                    "{} session consumed {} bytes of {}: a bug in the protocol module; aborting", protocol(),
                    result.consumed, data.size());
                std::abort();
            }
            if (result.consumed == 0) {
                break;
            }
            input_.consume(result.consumed);
        }
        consuming_ = false;
    }
    start_write();
    if (state_ != state::open || input_paused() || reading_) {
        return;
    }
    if (input_.full()) {
        listener_log()->info("{} connection #{} from {}: {} bytes buffered without a complete frame (limit {} = {}); "
                             "closing",
                             protocol(), id(), remote_address(), input_.size(),
                             limits().key("inputBudgetBytes"), input_.budget());
        close(fmt::format("input budget of {} bytes exceeded", input_.budget()));
        return;
    }
    start_read();
}

void connection::start_read() {
    reading_ = true;
    if (input_.empty() && stream_->can_wait_readable()) {
        if (peer_drained_) {
            wait_readable(); // a read now would find nothing: skip the system call
            return;
        }
        byte_stream::error_code error;
        const auto bytes = read_now(error);
        if (error != asio::error::would_block) {
            // Posted, as Asio completes its own speculative reads: pump_input
            // must not recurse while bytes keep coming.
            asio::post(executor(), [self = shared_from_this(), error, bytes] { self->on_read(error, bytes); });
            return;
        }
        wait_readable();
        return;
    }
    const auto room = input_.prepare();
    stream_->async_read_some(room, [self = shared_from_this(), room_size = room.size()](
                                       const byte_stream::error_code& error, std::size_t bytes) {
        self->peer_drained_ = !error && bytes < room_size;
        self->on_read(error, bytes);
    });
}

std::size_t connection::read_now(byte_stream::error_code& error) {
    const auto room = input_.prepare();
    const auto bytes = stream_->read_some_now(room, error);
    peer_drained_ = !error && bytes < room.size();
    return bytes;
}

void connection::wait_readable() {
    // Nothing there: wait without a buffer (an idle connection holds none).
    input_.release();
    waiting_readable_ = true;
    release_idle_output();
    stream_->async_wait_readable(shared_from_this());
}

void connection::on_read(const byte_stream::error_code& error, std::size_t bytes) {
    reading_ = false;
    switch (state_) {
    case state::closed:
        return;
    case state::draining:
        // The peer's leftovers are dropped; its end of stream ends the drain.
        if (error) {
            close(closing_->reason);
        } else {
            start_read();
        }
        return;
    case state::created:
    case state::open:
    case state::flushing:
        break;
    }
    if (error) {
        close(error == asio::error::eof ? std::string("the peer closed the connection")
                                        : fmt::format("read failed: {}", error.message()));
        return;
    }
    input_.commit(bytes);
    last_read_ = std::chrono::steady_clock::now();
    pump_input();
}

void connection::on_readable(const byte_stream::error_code& error) {
    if (!on_its_thread()) {
        return; // the wait a move aborted, on the thread the connection left
    }
    // Only a move or a close aborts a wait. The connection may have moved
    // back to this thread before an old move's aborted wait ran here.
    if (error == asio::error::operation_aborted && state_ != state::closed) {
        return;
    }
    waiting_readable_ = false;
    if (error || state_ == state::closed) {
        on_read(error, 0);
        return;
    }
    byte_stream::error_code read_error;
    const auto bytes = read_now(read_error);
    if (read_error == asio::error::would_block) {
        wait_readable();
        return;
    }
    // Not posted, unlike start_read's: this handler runs outside pump_input,
    // and a post would cost a turn of the reactor before the bytes are seen.
    on_read(read_error, bytes);
}

void connection::start_write() {
    if (writing_ || consuming_ || !output_ || !output_->has_ungathered()) {
        return;
    }
    if (state_ != state::open && state_ != state::flushing) {
        return;
    }
    writing_ = true;
    stream_->async_write(output_->gather(),
                         [self = shared_from_this()](const byte_stream::error_code& error, std::size_t) {
                             self->on_write(error);
                         });
}

void connection::on_write(const byte_stream::error_code& error) {
    writing_ = false;
    if (state_ == state::closed) {
        return;
    }
    if (error) {
        close(fmt::format("write failed: {}", error.message()));
        return;
    }
    output_->release_gathered();
    if (output_blocked_ && output_->bytes() <= limits().output_budget_bytes / 2) {
        output_blocked_ = false;
        if (state_ == state::open) {
            session_->on_writable();
        }
        pump_input();
    }
    start_write();
    if (state_ == state::flushing && !writing_ && output_empty()) {
        begin_drain();
    }
    if (waiting_readable_) release_idle_output(); // the last write of an exchange: idle now
    if (moving_) try_move();
}

void connection::release_idle_output() noexcept {
    if (!writing_ && output_empty()) output_.reset();
}

void connection::begin_drain() {
    state_ = state::draining;
    input_.consume(input_.size());
    stream_->shutdown_send();
    close_unless_left(std::min<std::chrono::steady_clock::duration>(drain_linger, limits().flush_timeout),
                      state::draining);
    if (!reading_) {
        start_read();
    }
}

void connection::close_unless_left(std::chrono::steady_clock::duration after, state expected) {
    closing_->deadline.expires_after(after);
    closing_->deadline.async_wait([self = shared_from_this(), expected](const byte_stream::error_code& error) {
        if (error || self->state_ != expected) {
            return;
        }
        if (expected == state::flushing) {
            listener_log()->info("{} connection #{} from {}: the peer did not take the last {} bytes within {} ({} ms)",
                                 self->protocol(), self->id(), self->remote_address(), self->output_queued_bytes(),
                                 self->limits().key("flushTimeout"), self->limits().flush_timeout.count());
        }
        self->close(self->closing_->reason);
    });
}

bool connection::idle_timeout_passed(std::chrono::steady_clock::time_point now) {
    if (input_paused()) {
        // Not reading is our choice, not the peer's silence.
        last_read_ = now;
        return false;
    }
    return now - last_read_ >= idle_timeout_;
}

void connection::close_for_idleness() {
    listener_log()->info("{} connection #{} from {}: nothing received for {} ms (limit {}); closing",
                         protocol(), id(), remote_address(), idle_timeout_.count(),
                         limits().key("idleTimeout"));
    if (session_) session_->on_idle_timeout();
    auto reason = fmt::format("idle for {} ms", idle_timeout_.count());
    // A farewell the session sent goes out first; without one, no linger.
    if (output_empty() && !writing_) close(reason);
    else close_after_flush(std::move(reason));
}

} // namespace gantry::protocols::common
