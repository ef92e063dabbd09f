#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "gantry/engine/result.hpp"
#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/protocols/remoting/remoting_codec.hpp"
#include "gantry/protocols/remoting/remoting_command.hpp"

namespace gantry::protocols::remoting::client {

// One client connection to a broker or name server, on the listener layer's
// connection (so the client gets the same output budget and scatter/gather
// writes as the broker). Requests carry an opaque of the channel's own and
// are matched to their response; each has a deadline, checked by one timer
// that runs only while requests are pending. Lives on one executor: every
// member function must be called there and every handler runs there.
class channel : public std::enable_shared_from_this<channel> {
public:
    using response_handler = std::function<void(result<remoting_command>)>;
    // A request the server sent (NOTIFY_CONSUMER_IDS_CHANGED, ...).
    using request_listener = std::function<void(const std::shared_ptr<channel>&, const remoting_command&)>;
    using connect_handler = std::function<void(result<std::shared_ptr<channel>>)>;

    // Connects to `address` ("host:port"; the host may be a name).
    static void connect(asio::any_io_executor executor, std::string address, std::chrono::milliseconds timeout,
                        request_listener listener, connect_handler done);

    ~channel();

    // Sends `request` with a fresh opaque; `done` gets the response, or
    // timeout / connection_closed. Responses of any code are values: the
    // caller decides what a non-success code means.
    void request(remoting_command request, std::chrono::milliseconds timeout, response_handler done);
    // Sends `request` flagged one-way; nothing comes back.
    void oneway(remoting_command request);
    // Sends a response to a request the server made.
    void respond(const remoting_command& response);

    void close();
    bool is_open() const noexcept;
    const std::string& address() const noexcept { return address_; }

private:
    class session;
    class session_factory;
    struct pending {
        response_handler done;
        std::chrono::steady_clock::time_point deadline;
    };

    channel(std::string address, request_listener listener);
    void attach(asio::ip::tcp::socket socket);
    void send(const remoting_command& command);
    void on_frame(remoting_command command);
    void on_closed();
    void arm_sweep();
    void sweep();

    std::string address_;
    request_listener listener_;
    remoting_codec codec_;
    std::unique_ptr<session_factory> factory_;
    std::shared_ptr<common::connection> connection_;
    std::unordered_map<std::int32_t, pending> pending_;
    std::unique_ptr<asio::steady_timer> sweep_timer_;
    bool sweeping_ = false;
    std::int32_t next_opaque_ = 1;
};

} // namespace gantry::protocols::remoting::client
