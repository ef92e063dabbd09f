#include "broker_call.hpp"

#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/response_code.hpp"

namespace gantry::protocols::remoting::client {

void invoke_broker(client_runtime& runtime, const message_queue& queue, remoting_command request,
                   client_runtime::response_handler done, std::optional<std::chrono::milliseconds> timeout) {
    runtime.route(queue.topic, [&runtime, broker = queue.broker_name, request = std::move(request),
                                done = std::move(done), timeout](result<std::shared_ptr<const topic_route>> route) mutable {
        if (!route) return done(route.error());
        const auto address = master_address(**route, broker);
        if (!address) return done(client_errc::no_route);
        runtime.invoke(*address, std::move(request), std::move(done), timeout);
    });
}

result<remoting_command> expect_success(result<remoting_command> response) {
    if (response && response->code != response_code::success) return response_error(response->code);
    return response;
}

result<std::int64_t> response_long(const remoting_command& response, std::string_view key) {
    const auto value = response.ext_int64(key);
    if (!value) return client_errc::malformed_response;
    return *value;
}

} // namespace gantry::protocols::remoting::client
