#include "namesrv_session.hpp"

#include <string>
#include <utility>

#include "gantry/protocols/remoting/language_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "namesrv_log.hpp"

namespace gantry::namesrv {

using namespace protocols::remoting;

namesrv_session::namesrv_session(protocols::common::connection& conn,
                                 const protocols::common::session_context& context, remoting_codec codec,
                                 name_server& server)
    : conn_(conn),
      remote_address_(context.remote_address),
      codec_(codec),
      server_(server),
      key_(reinterpret_cast<connection_key>(&conn)) {}

protocols::common::consume_result namesrv_session::consume(std::span<const std::byte> input) {
    std::size_t consumed = 0;
    // Stop at the output budget: the connection calls again once it drained.
    while (!closed_ && !conn_.output_blocked()) {
        auto decoded = codec_.decode(input.subspan(consumed));
        if (decoded.status == decode_status::need_more) break;
        if (decoded.status == decode_status::error) {
            namesrv_log()->warn("closing the name-server connection from {}: {}; the peer sent bytes that are not a "
                                "remoting frame (wrong port or protocol?)",
                                remote_address_, decoded.diagnostic.reason);
            return protocols::common::consume_result::closing(decoded.diagnostic.reason);
        }
        consumed += decoded.consumed;
        if (decoded.command.is_response()) {
            namesrv_log()->debug("ignoring a response (opaque {}) from {}", decoded.command.opaque, remote_address_);
            continue;
        }
        answer(decoded.command);
    }
    return protocols::common::consume_result::took(consumed);
}

void namesrv_session::answer(const remoting_command& request) {
    auto response = server_.handle(request, key_);
    if (!response) {
        response = make_response(request, response_code::request_code_not_supported,
                                 " request type " + std::to_string(request.code) + " not supported");
    }
    if (request.is_oneway()) return;
    // The C++ client reads the whole header word as a length: JSON only.
    if (request.known_language() == language_code::cpp) response->serialization = serialization_type::json;
    auto frame = codec_.encode(*response);
    if (!frame) {
        namesrv_log()->error("cannot encode the response to request {} (code {}) from {}: {}", request.opaque,
                             request.code, remote_address_, frame.error().message());
        return;
    }
    conn_.send(std::move(*frame));
}

void namesrv_session::on_closed(std::string_view reason) {
    closed_ = true;
    server_.connection_closed(key_);
    namesrv_log()->debug("name-server connection from {} closed: {}", remote_address_, reason);
}

} // namespace gantry::namesrv
