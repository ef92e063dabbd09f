#include "channel.hpp"

#include <utility>

#include "client_log.hpp"
#include <boost/asio/connect.hpp>

#include "gantry/protocols/common/tcp_stream.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"

namespace gantry::protocols::remoting::client {

namespace {

// How often pending requests are checked against their deadlines.
constexpr auto sweep_interval = std::chrono::milliseconds(50);

std::optional<std::pair<std::string, std::string>> split_address(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return std::nullopt;
    auto host = address.substr(0, colon);
    if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return std::pair{host, address.substr(colon + 1)};
}

} // namespace

// The protocol session on the channel's connection: frames in, to the channel.
class channel::session final : public common::protocol_session {
public:
    session(std::weak_ptr<channel> owner, remoting_codec codec) : owner_(std::move(owner)), codec_(codec) {}

    common::consume_result consume(std::span<const std::byte> input) override {
        std::size_t consumed = 0;
        while (true) {
            auto decoded = codec_.decode(input.subspan(consumed));
            if (decoded.status == decode_status::need_more) break;
            if (decoded.status == decode_status::error) return common::consume_result::closing(decoded.diagnostic.reason);
            consumed += decoded.consumed;
            const auto owner = owner_.lock();
            if (!owner) return common::consume_result::closing("the client released the channel");
            owner->on_frame(std::move(decoded.command));
        }
        return common::consume_result::took(consumed);
    }

    void on_closed(std::string_view reason) override {
        if (const auto owner = owner_.lock()) {
            client_log()->debug("connection to {} closed: {}", owner->address(), reason);
            owner->on_closed();
        }
    }

private:
    std::weak_ptr<channel> owner_;
    remoting_codec codec_;
};

class channel::session_factory final : public common::protocol_module {
public:
    explicit session_factory(std::weak_ptr<channel> owner) : owner_(std::move(owner)) {}

    std::string_view name() const override { return "remoting-client"; }
    std::uint16_t default_port() const override { return 0; }
    std::vector<std::string> websocket_subprotocols() const override { return {}; }
    common::connection_limits default_limits() const override {
        auto limits = common::connection_limits::for_frame_size(default_max_frame_size);
        limits.idle_timeout = std::chrono::milliseconds::zero(); // the client keeps its connections
        return limits;
    }
    std::unique_ptr<common::protocol_session> make_session(common::connection&, const common::session_context&) override {
        return std::make_unique<session>(owner_, remoting_codec());
    }

private:
    std::weak_ptr<channel> owner_;
};

void channel::connect(asio::any_io_executor executor, std::string address, std::chrono::milliseconds timeout,
                      request_listener listener, connect_handler done) {
    const auto parts = split_address(address);
    if (!parts) return asio::post(executor, [done] { done(client_errc::bad_address); });
    struct attempt {
        asio::ip::tcp::resolver resolver;
        asio::ip::tcp::socket socket;
        asio::steady_timer timer;
        std::shared_ptr<channel> made;
        connect_handler done;
        bool finished = false;
        void finish(result<std::shared_ptr<channel>> outcome) {
            if (finished) return;
            finished = true;
            timer.cancel();
            done(std::move(outcome));
        }
    };
    auto a = std::make_shared<attempt>(attempt{asio::ip::tcp::resolver(executor), asio::ip::tcp::socket(executor),
                                               asio::steady_timer(executor, timeout),
                                               std::shared_ptr<channel>(new channel(address, std::move(listener))),
                                               std::move(done)});
    a->timer.async_wait([a](const boost::system::error_code& error) {
        if (error) return;
        a->resolver.cancel();
        boost::system::error_code ignored;
        a->socket.close(ignored);
        a->finish(client_errc::connect_failed);
    });
    a->resolver.async_resolve(parts->first, parts->second,
                              [a](const boost::system::error_code& error, asio::ip::tcp::resolver::results_type hosts) {
        if (error || a->finished) return a->finish(client_errc::connect_failed);
        asio::async_connect(a->socket, hosts, [a](const boost::system::error_code& failed, const auto&) {
            if (failed || a->finished) return a->finish(client_errc::connect_failed);
            a->made->attach(std::move(a->socket));
            a->finish(a->made);
        });
    });
}

channel::channel(std::string address, request_listener listener)
    : address_(std::move(address)), listener_(std::move(listener)) {}

channel::~channel() {
    if (connection_) asio::post(connection_->executor(), [c = connection_] { c->close("the client released it"); });
}

void channel::attach(asio::ip::tcp::socket socket) {
    const auto executor = socket.get_executor();
    factory_ = std::make_unique<session_factory>(weak_from_this());
    common::connection::options options;
    options.shared = std::make_shared<const common::connection::profile>(
        common::connection::profile{"remoting-client", factory_->default_limits(), nullptr});
    connection_ = std::make_shared<common::connection>(
        std::make_unique<common::client_tcp_stream>(std::move(socket)), std::move(options));
    sweep_timer_ = std::make_unique<asio::steady_timer>(executor);
    connection_->start(*factory_);
}

bool channel::is_open() const noexcept { return connection_ && connection_->is_open(); }

void channel::close() {
    if (connection_) connection_->close("closed by the client");
}

void channel::request(remoting_command request, std::chrono::milliseconds timeout, response_handler done) {
    if (!is_open()) {
        return asio::post(connection_->executor(), [done = std::move(done)] { done(client_errc::connection_closed); });
    }
    request.opaque = next_opaque_++;
    request.flag = 0;
    pending_.emplace(request.opaque, pending{std::move(done), std::chrono::steady_clock::now() + timeout});
    send(request);
    arm_sweep();
}

void channel::oneway(remoting_command request) {
    request.opaque = next_opaque_++;
    request.flag = oneway_flag;
    send(request);
}

void channel::respond(const remoting_command& response) { send(response); }

void channel::send(const remoting_command& command) {
    auto frame = codec_.encode(command);
    if (!frame) {
        client_log()->error("cannot encode request code {} for {}: {}", command.code, address_, frame.error().message());
        return;
    }
    connection_->send(std::move(*frame));
}

void channel::on_frame(remoting_command command) {
    if (!command.is_response()) {
        if (listener_) listener_(shared_from_this(), command);
        return;
    }
    const auto it = pending_.find(command.opaque);
    if (it == pending_.end()) return; // timed out already
    auto done = std::move(it->second.done);
    pending_.erase(it);
    done(std::move(command));
}

void channel::on_closed() {
    auto failed = std::move(pending_);
    pending_.clear();
    for (auto& [opaque, p] : failed) p.done(client_errc::connection_closed);
}

void channel::arm_sweep() {
    if (sweeping_) return;
    sweeping_ = true;
    sweep_timer_->expires_after(sweep_interval);
    sweep_timer_->async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
        if (error) return;
        if (const auto self = weak.lock()) self->sweep();
    });
}

void channel::sweep() {
    sweeping_ = false;
    const auto now = std::chrono::steady_clock::now();
    std::vector<response_handler> expired;
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second.deadline <= now) {
            expired.push_back(std::move(it->second.done));
            it = pending_.erase(it);
        } else {
            ++it;
        }
    }
    if (!pending_.empty()) arm_sweep();
    for (auto& done : expired) done(client_errc::timeout);
}

} // namespace gantry::protocols::remoting::client
