#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gantry/engine/asio.hpp"
#include "gantry/engine/result.hpp"
#include "gantry/protocols/remoting/client/topic_route.hpp"
#include "gantry/protocols/remoting/remoting_command.hpp"

namespace gantry::protocols::remoting::client {

struct client_options {
    // "host:port" of the name servers, tried in order; gantryd in one-process
    // mode answers name-server requests on its own port.
    std::vector<std::string> name_servers{"127.0.0.1:9876"};
    std::chrono::milliseconds request_timeout{3000};
    std::chrono::milliseconds connect_timeout{3000};
    // Cached routes are asked for again after this long (Java: 30 s).
    std::chrono::milliseconds route_refresh{30000};
};

// The machinery every producer and consumer of one process shares: an event
// loop on its own thread, one connection per broker or name server, and
// the cached topic routes. Functions may be called from any thread; every
// completion handler runs on the runtime's thread and must not block it
// (no synchronous client calls from a handler: they would wait forever).
class client_runtime {
public:
    using response_handler = std::function<void(result<remoting_command>)>;
    using route_handler = std::function<void(result<std::shared_ptr<const topic_route>>)>;
    // A request a server sent (NOTIFY_CONSUMER_IDS_CHANGED, ...), with the
    // address it came from.
    using request_listener = std::function<void(const std::string& address, const remoting_command& request)>;

    explicit client_runtime(client_options options = {});
    ~client_runtime();
    client_runtime(const client_runtime&) = delete;
    client_runtime& operator=(const client_runtime&) = delete;

    // Closes every connection and joins the thread. Operations still pending
    // fail with connection_closed; later ones are never answered, so stop
    // only when nothing waits on the runtime. Idempotent.
    void stop();

    const client_options& options() const noexcept { return options_; }
    // "host@pid#n": unique per runtime, as consumer groups need.
    const std::string& client_id() const noexcept { return client_id_; }
    asio::any_io_executor executor() const;
    bool in_runtime_thread() const noexcept;

    // Sends `request` to `address` and hands `done` the response (of any
    // code) or a client error.
    void invoke(std::string address, remoting_command request, response_handler done,
                std::optional<std::chrono::milliseconds> timeout = std::nullopt);
    void invoke_oneway(std::string address, remoting_command request);
    // Asks the name servers in turn until one answers.
    void invoke_name_server(remoting_command request, response_handler done);
    // The topic's route, cached; `refresh` asks the name servers again.
    // A topic no name server knows fails with response_error(TOPIC_NOT_EXIST).
    void route(std::string topic, route_handler done, bool refresh = false);

    void add_request_listener(request_listener listener);

private:
    struct state;

    client_options options_;
    std::string client_id_;
    std::unique_ptr<state> state_;
};

// Runs an asynchronous client operation and waits for its result. Aborts
// when called on the runtime's thread, where it would wait forever.
template <typename T, typename Start>
result<T> wait_for(const client_runtime& runtime, Start start);

} // namespace gantry::protocols::remoting::client

#include "gantry/protocols/remoting/client/wait_for.hpp"
