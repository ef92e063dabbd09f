#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/protocols/common/protocol_session.hpp"
#include "gantry/protocols/remoting/remoting_codec.hpp"
#include "gantry/protocols/remoting/remoting_module.hpp"
#include "consumer_registry.hpp"
#include "handler_registry.hpp"
#include "queue_lock_table.hpp"

namespace gantry::protocols::remoting {

// One RocketMQ client connection. Requests are decoded and dispatched as
// they arrive; their handlers may finish later and in any order (clients
// match responses by opaque), but at most max_in_flight at once: past that
// the session stops reading until some finish. Lives on the connection's
// executor, like every completion that reaches it.
class remoting_session final : public common::protocol_session {
public:
    static constexpr std::size_t max_in_flight = 1024;

    remoting_session(common::connection& conn, const common::session_context& context, remoting_codec codec,
                     engine::facade& engine, const broker_identity& identity, consumer_registry& consumers,
                     queue_lock_table& queue_locks, const handler_registry& handlers,
                     const name_server_access* name_servers, const runtime_info_source& runtime_info);

    common::consume_result consume(std::span<const std::byte> input) override;
    void on_closed(std::string_view reason) override;

    // Called by request_context once per request: sends the response (unless
    // the request was one-way) and counts the request as finished.
    void finish(const remoting_command& request, remoting_command response,
                std::vector<engine::stored_record> records);
    // How name servers are kept current (nullptr: not at all, in tests).
    const name_server_access* name_servers() const noexcept { return name_servers_; }
    const runtime_info_source& runtime_info() const noexcept { return runtime_info_; }

private:
    void dispatch(remoting_command request);
    // One-process mode: a name-server request, answered at once.
    bool answer_as_name_server(const remoting_command& request);
    void send(const remoting_command& request, remoting_command response, std::vector<engine::stored_record> records);

    common::connection& conn_;
    std::string remote_address_;
    remoting_codec codec_;
    engine::facade& engine_;
    const broker_identity& identity_;
    consumer_registry& consumers_;
    queue_lock_table& queue_locks_;
    const handler_registry& handlers_;
    const name_server_access* name_servers_;
    const runtime_info_source& runtime_info_;
    std::size_t in_flight_ = 0;
    bool paused_ = false;
    bool closed_ = false;
};

} // namespace gantry::protocols::remoting
