#include "stomp_session.hpp"

#include <algorithm>
#include <random>
#include <utility>

#include <fmt/format.h>

#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/common/client_identity.hpp"
#include "stomp_log.hpp"

namespace gantry::protocols::stomp {

namespace {

std::string random_session_id() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("{:016x}", random());
}

} // namespace

stomp_session::stomp_session(common::connection& conn, const common::session_context& context,
                             engine::facade& engine, const stomp_options& options,
                             const security::access_control& access)
    : conn_(conn),
      remote_address_(context.remote_address),
      engine_(engine),
      options_(options),
      access_(access),
      codec_(stomp_limits{context.limits.max_frame_size, options.max_header_count, options.max_header_length}),
      session_id_(random_session_id()),
      heartbeat_timer_(context.executor) {}

stomp_session::~stomp_session() = default;

common::consume_result stomp_session::consume(std::span<const std::byte> input) {
    consuming_ = true;
    std::size_t consumed = 0;
    while (!closing_ && !closed_ && !input_paused_ && consumed < input.size()) {
        auto decoded = codec_.decode(input.subspan(consumed), version_);
        if (decoded.status == decode_status::need_more) break;
        if (decoded.status == decode_status::error) {
            on_decode_error(decoded.diagnostic);
            break;
        }
        consumed += decoded.consumed;
        if (decoded.status == decode_status::complete) dispatch(std::move(decoded.frame));
    }
    consuming_ = false;
    if (closing_ && !closed_) return {consumed, true, close_reason_};
    return common::consume_result::took(consumed);
}

void stomp_session::dispatch(stomp_frame frame) {
    if (!connected_) {
        if (frame.command == stomp_command::connect || frame.command == stomp_command::stomp)
            return handle_connect(frame);
        return fail("connect first", fmt::format("the first frame was {}, not CONNECT or STOMP",
                                                 command_name(frame.command)), &frame);
    }
    switch (frame.command) {
    case stomp_command::send: return handle_send(frame);
    case stomp_command::subscribe: return handle_subscribe(frame);
    case stomp_command::unsubscribe: return handle_unsubscribe(frame);
    case stomp_command::ack: return handle_ack(frame);
    case stomp_command::nack: return handle_nack(frame);
    case stomp_command::begin: return handle_begin(frame);
    case stomp_command::commit: return handle_commit(frame);
    case stomp_command::abort: return handle_abort(frame);
    case stomp_command::disconnect: return handle_disconnect(frame);
    case stomp_command::connect:
    case stomp_command::stomp: return fail("already connected", "a second CONNECT on one connection", &frame);
    default:
        return fail("not a client frame", fmt::format("{} is sent by servers, not clients", command_name(frame.command)),
                    &frame);
    }
}

void stomp_session::on_decode_error(const stomp_diagnostic& diagnostic) {
    fail("malformed frame", diagnostic.message);
}

void stomp_session::send(const stomp_frame& frame) {
    if (closed_) return;
    std::vector<std::byte> out;
    if (auto size = stomp_codec::encode_into(frame, version_, out); !size) {
        stomp_log()->error("cannot encode a {} frame for {}: {}", command_name(frame.command), who(),
                           size.error().message());
        return;
    }
    sent_since_heartbeat_ = true;
    conn_.send(std::move(out));
}

void stomp_session::fail(std::string message, std::string detail, const stomp_frame* cause) {
    if (closing_ || closed_) return;
    closing_ = true;
    close_reason_ = detail.empty() ? message : message + ": " + detail;
    stomp_log()->warn("closing STOMP connection of {}: {}", who(), close_reason_);
    stomp_frame error;
    error.command = stomp_command::error;
    error.add("message", std::move(message));
    if (cause)
        if (const auto* receipt = cause->header("receipt")) error.add("receipt-id", *receipt);
    if (!detail.empty()) {
        error.add("content-type", "text/plain");
        error.add("content-length", std::to_string(detail.size()));
        error.body = std::move(detail);
    }
    send(error);
    heartbeat_timer_.cancel();
    if (!consuming_) conn_.close_after_flush(close_reason_);
}

void stomp_session::fail(std::string message, std::error_code error, const stomp_frame& cause) {
    fail(std::move(message), error.message(), &cause);
}

void stomp_session::on_writable() { drain_deliveries(); }

void stomp_session::on_closed(std::string_view reason) {
    if (closed_) return;
    closed_ = true;
    heartbeat_timer_.cancel();
    // Acknowledgements of open transactions die with them: the engine hands
    // every unsettled message of a shared group to another consumer.
    transactions_.clear();
    end_subscriptions();
    if (connected_) stomp_log()->debug("STOMP {} (STOMP {}) disconnected: {}", who(), version_name(version_), reason);
}

std::int64_t stomp_session::now_ms() const { return engine::wall_clock_ms(); }

engine::operation_context stomp_session::context() const {
    return {principal_.username.value_or(""), client_id_, conn_.executor()};
}

std::string stomp_session::who() const { return common::describe_client(client_id_, remote_address_); }

bool stomp_session::allowed(security::access_kind kind, std::string_view name) const {
    return access_.allows(kind, principal_, client_id_, name);
}

} // namespace gantry::protocols::stomp
