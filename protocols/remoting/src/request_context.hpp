#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/remoting/remoting_command.hpp"
#include "gantry/protocols/remoting/remoting_module.hpp"
#include "consumer_registry.hpp"
#include "queue_lock_table.hpp"

namespace gantry::protocols::remoting {

class remoting_session;

// One request in flight and the way back to its client. Copyable, so an
// engine completion can carry it; it must only be used on the connection's
// executor (operation().executor), where every engine completion runs.
// Answering after the connection is gone does nothing.
class request_context {
public:
    request_context(std::shared_ptr<const remoting_command> request, std::weak_ptr<common::connection> conn,
                    remoting_session& session, engine::facade& engine, const broker_identity& identity,
                    consumer_registry& consumers, queue_lock_table& queue_locks,
                    engine::operation_context operation);

    const remoting_command& request() const noexcept { return *request_; }
    engine::facade& engine() const noexcept { return *engine_; }
    const broker_identity& identity() const noexcept { return *identity_; }
    // Shared by every connection (it locks); safe from any handler.
    consumer_registry& consumers() const noexcept { return *consumers_; }
    // The orderly consumers' queue locks; shared and locking like consumers().
    queue_lock_table& queue_locks() const noexcept { return *queue_locks_; }
    // The connection the request came on, for the registry.
    const std::weak_ptr<common::connection>& connection() const noexcept { return conn_; }
    const engine::operation_context& operation() const noexcept { return operation_; }
    // The peer, as "ip:port" or "[v6]:port".
    const std::string& remote_address() const noexcept;

    // A response to this request with `code`; fill its ext fields, then respond().
    remoting_command response(std::int32_t code, std::optional<std::string> remark = std::nullopt) const;

    // Sends `response` (not for one-way requests) and ends the request. Call
    // exactly once per request.
    void respond(remoting_command response) const;
    // The same with `records` as the body, written from the memory they lie in.
    void respond(remoting_command response, std::vector<engine::stored_record> records) const;
    // respond(response(code, remark)).
    void fail(std::int32_t code, std::string remark) const;
    // Runs `then` on this request's executor once the name servers know
    // this broker's topics as they are now: for handlers that may have
    // created a topic, so the answer reaches the client only when the
    // topic can be routed to (as Java does).
    void after_topics_published(std::function<void()> then) const;
    // The broker's own figures for GET_BROKER_RUNTIME_INFO (none in tests).
    std::map<std::string, std::string> runtime_info() const;

private:
    std::shared_ptr<const remoting_command> request_;
    std::weak_ptr<common::connection> conn_;
    remoting_session* session_;
    engine::facade* engine_;
    const broker_identity* identity_;
    consumer_registry* consumers_;
    queue_lock_table* queue_locks_;
    engine::operation_context operation_;
};

} // namespace gantry::protocols::remoting
