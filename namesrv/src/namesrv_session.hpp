#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "gantry/namesrv/name_server.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/protocols/common/protocol_session.hpp"
#include "gantry/protocols/remoting/remoting_codec.hpp"

namespace gantry::namesrv {

// One connection to the name server (a broker or a client). Every request is
// answered at once, in order, on the connection's executor.
class namesrv_session final : public protocols::common::protocol_session {
public:
    namesrv_session(protocols::common::connection& conn, const protocols::common::session_context& context,
                    protocols::remoting::remoting_codec codec, name_server& server);

    protocols::common::consume_result consume(std::span<const std::byte> input) override;
    void on_closed(std::string_view reason) override;

private:
    void answer(const protocols::remoting::remoting_command& request);

    protocols::common::connection& conn_;
    std::string remote_address_;
    protocols::remoting::remoting_codec codec_;
    name_server& server_;
    // The connection's identity in the route table: its address is unique
    // among live connections, and its brokers leave when it closes.
    connection_key key_;
    bool closed_ = false;
};

} // namespace gantry::namesrv
