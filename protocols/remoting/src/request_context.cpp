#include "request_context.hpp"

#include <utility>

#include "remoting_session.hpp"

namespace gantry::protocols::remoting {

request_context::request_context(std::shared_ptr<const remoting_command> request,
                                 std::weak_ptr<common::connection> conn, remoting_session& session,
                                 engine::facade& engine, const broker_identity& identity,
                                 consumer_registry& consumers, queue_lock_table& queue_locks,
                                 engine::operation_context operation)
    : request_(std::move(request)),
      conn_(std::move(conn)),
      session_(&session),
      engine_(&engine),
      identity_(&identity),
      consumers_(&consumers),
      queue_locks_(&queue_locks),
      operation_(std::move(operation)) {}

const std::string& request_context::remote_address() const noexcept { return operation_.client_id; }

remoting_command request_context::response(std::int32_t code, std::optional<std::string> remark) const {
    return make_response(*request_, code, std::move(remark));
}

void request_context::respond(remoting_command response) const { respond(std::move(response), {}); }

void request_context::respond(remoting_command response, std::vector<engine::stored_record> records) const {
    // While the connection lives, so does its session (protocol_session.hpp).
    const auto alive = conn_.lock();
    if (!alive) return;
    session_->finish(*request_, std::move(response), std::move(records));
}

void request_context::fail(std::int32_t code, std::string remark) const { respond(response(code, std::move(remark))); }

std::map<std::string, std::string> request_context::runtime_info() const {
    const auto& source = session_->runtime_info();
    return source ? source() : std::map<std::string, std::string>{};
}

void request_context::after_topics_published(std::function<void()> then) const {
    const auto alive = conn_.lock();
    if (!alive) return;
    const auto* access = session_->name_servers();
    if (!access || !access->publish_topics) return then();
    access->publish_topics([executor = operation_.executor, then = std::move(then)]() mutable {
        asio::post(executor, std::move(then));
    });
}

} // namespace gantry::protocols::remoting
