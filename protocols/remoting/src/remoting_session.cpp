#include "remoting_session.hpp"

#include <utility>

#include "gantry/protocols/remoting/response_code.hpp"
#include "remoting_log.hpp"
#include "gantry/namesrv/name_server.hpp"
#include "request_context.hpp"

namespace gantry::protocols::remoting {

remoting_session::remoting_session(common::connection& conn, const common::session_context& context,
                                   remoting_codec codec, engine::facade& engine, const broker_identity& identity,
                                   consumer_registry& consumers, queue_lock_table& queue_locks,
                                   const handler_registry& handlers, const name_server_access* name_servers,
                                   const runtime_info_source& runtime_info)
    : conn_(conn),
      remote_address_(context.remote_address),
      codec_(codec),
      engine_(engine),
      identity_(identity),
      consumers_(consumers),
      queue_locks_(queue_locks),
      handlers_(handlers),
      name_servers_(name_servers),
      runtime_info_(runtime_info) {}

common::consume_result remoting_session::consume(std::span<const std::byte> input) {
    std::size_t consumed = 0;
    while (!closed_ && in_flight_ < max_in_flight) {
        auto decoded = codec_.decode(input.subspan(consumed));
        if (decoded.status == decode_status::need_more) break;
        if (decoded.status == decode_status::error) {
            remoting_log()->warn("closing RocketMQ connection from {}: {}; the client sent bytes that are not a "
                                 "remoting frame (wrong port or protocol?)",
                                 remote_address_, decoded.diagnostic.reason);
            return common::consume_result::closing(decoded.diagnostic.reason);
        }
        consumed += decoded.consumed;
        if (decoded.command.is_response()) {
            // Gantry's own requests (NOTIFY_CONSUMER_IDS_CHANGED) are one-way: no response is awaited.
            remoting_log()->debug("ignoring a response (opaque {}) from {}", decoded.command.opaque, remote_address_);
            continue;
        }
        dispatch(std::move(decoded.command));
    }
    if (!closed_ && in_flight_ >= max_in_flight && !paused_) {
        paused_ = true;
        conn_.pause_input();
    }
    return common::consume_result::took(consumed);
}

void remoting_session::dispatch(remoting_command request) {
    if (!handlers_.find(request.code) && answer_as_name_server(request)) return;
    ++in_flight_;
    auto shared = std::make_shared<const remoting_command>(std::move(request));
    request_context ctx(shared, conn_.weak_from_this(), *this, engine_, identity_, consumers_, queue_locks_,
                        engine::operation_context{{}, remote_address_, conn_.executor()});
    if (const auto handler = handlers_.find(shared->code)) return handler(std::move(ctx));
    ctx.fail(response_code::request_code_not_supported,
             " request type " + std::to_string(shared->code) + " not supported");
}

bool remoting_session::answer_as_name_server(const remoting_command& request) {
    if (!name_servers_ || !name_servers_->embedded) return false;
    name_servers_->publish_topics([] {}); // synchronous in one-process mode
    auto response = name_servers_->embedded->handle(request, reinterpret_cast<namesrv::connection_key>(&conn_));
    if (!response) return false;
    if (!request.is_oneway()) send(request, std::move(*response), {});
    return true;
}

void remoting_session::finish(const remoting_command& request, remoting_command response,
                              std::vector<engine::stored_record> records) {
    --in_flight_;
    if (closed_) return;
    if (!request.is_oneway()) send(request, std::move(response), std::move(records));
    if (paused_ && in_flight_ < max_in_flight) {
        paused_ = false;
        conn_.resume_input();
    }
}

void remoting_session::send(const remoting_command& request, remoting_command response,
                            std::vector<engine::stored_record> records) {
    // The C++ client reads the whole header word as a length: JSON only.
    if (request.known_language() == language_code::cpp) response.serialization = serialization_type::json;
    if (records.empty()) {
        auto frame = codec_.encode(response);
        if (!frame) {
            remoting_log()->error("cannot encode the response to request {} (code {}) from {}: {}", request.opaque,
                                  request.code, remote_address_, frame.error().message());
            return;
        }
        conn_.send(std::move(*frame));
        return;
    }
    std::vector<std::span<const std::byte>> body;
    body.reserve(records.size());
    for (const auto& r : records) body.push_back(r.bytes);
    auto head = codec_.encode_head(response, body);
    if (!head) {
        remoting_log()->error("cannot encode the pull response to request {} from {}: {}", request.opaque,
                              remote_address_, head.error().message());
        return;
    }
    // The records stay mapped until the connection has written them.
    struct frame_parts {
        std::vector<std::byte> head;
        std::vector<engine::stored_record> records;
    };
    auto parts = std::make_shared<frame_parts>(frame_parts{std::move(*head), std::move(records)});
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(parts->records.size() + 1);
    buffers.emplace_back(parts->head.data(), parts->head.size());
    for (const auto& r : parts->records) buffers.emplace_back(r.bytes.data(), r.bytes.size());
    conn_.send(buffers, std::move(parts));
}

void remoting_session::on_closed(std::string_view reason) {
    closed_ = true;
    // Java drops a closed channel's consumers at once and tells their groups.
    consumers_.connection_closed(conn_.weak_from_this());
    // Brokers may register with a one-process gantryd as with any name server.
    if (name_servers_ && name_servers_->embedded)
        name_servers_->embedded->connection_closed(reinterpret_cast<namesrv::connection_key>(&conn_));
    remoting_log()->debug("RocketMQ connection from {} closed: {}", remote_address_, reason);
}

} // namespace gantry::protocols::remoting
