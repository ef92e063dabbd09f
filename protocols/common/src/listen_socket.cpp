#include "gantry/protocols/common/listen_socket.hpp"

#include <cctype>

#include <fmt/format.h>

#include "listener_log.hpp"

namespace gantry::protocols::common {

namespace {

using error_code = boost::system::error_code;

std::error_code to_std(const error_code& error) {
    if (error.category() == boost::system::system_category()) {
        return {error.value(), std::system_category()};
    }
    if (error.category() == boost::system::generic_category()) {
        return {error.value(), std::generic_category()};
    }
    return error;
}

std::string lowercase_first(std::string text) {
    if (!text.empty()) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
}

std::string what_to_do(const std::error_code& error, const listen_keys& keys) {
    if (error == std::errc::address_in_use) {
        return fmt::format("stop the other process or set {}", keys.port);
    }
    if (error == std::errc::permission_denied) {
        return fmt::format("ports below 1024 need root or CAP_NET_BIND_SERVICE; set {}", keys.port);
    }
    if (error == std::errc::address_not_available) {
        return fmt::format("no network interface has that address; set {}", keys.host);
    }
    return fmt::format("check {} and {}", keys.host, keys.port);
}

} // namespace

std::string host_port(const std::string& host, std::uint16_t port) {
    return host.find(':') == std::string::npos ? fmt::format("{}:{}", host, port)
                                               : fmt::format("[{}]:{}", host, port);
}

std::optional<listen_error> open_listen_socket(asio::ip::tcp::acceptor& acceptor, const std::string& host,
                                               std::uint16_t port, std::string_view what, const listen_keys& keys) {
    const auto where = host_port(host, port);
    auto fail = [&](const error_code& boost_error) {
        const auto error = to_std(boost_error);
        return listen_error{error, fmt::format("cannot listen on {} ({}): {}; {}", where, what,
                                               lowercase_first(error.message()), what_to_do(error, keys))};
    };
    error_code error;
    asio::ip::tcp::resolver resolver(acceptor.get_executor());
    const auto endpoints = resolver.resolve(
        host, std::to_string(port), asio::ip::tcp::resolver::passive | asio::ip::tcp::resolver::numeric_service,
        error);
    if (error || endpoints.empty()) {
        return listen_error{to_std(error),
                            fmt::format("cannot listen on {} ({}): {}; set {}", where, what,
                                        error ? lowercase_first(error.message()) : std::string("the host has no address"),
                                        keys.host)};
    }
    const auto endpoint = endpoints.begin()->endpoint();
    if (acceptor.open(endpoint.protocol(), error)) {
        return fail(error);
    }
    // A restarted broker must not wait for its old connections' TIME_WAIT.
    acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (acceptor.bind(endpoint, error) || acceptor.listen(asio::socket_base::max_listen_connections, error)) {
        error_code ignored;
        acceptor.close(ignored);
        return fail(error);
    }
    return std::nullopt;
}

void warning_limiter::warn(const std::string& message) {
    const auto now = std::chrono::steady_clock::now();
    if (warned_once_ && now - last_warning_ < interval_) {
        ++unlogged_;
        return;
    }
    if (unlogged_ > 0) {
        listener_log()->warn("{} ({} similar since the last warning)", message, unlogged_);
    } else {
        listener_log()->warn("{}", message);
    }
    warned_once_ = true;
    last_warning_ = now;
    unlogged_ = 0;
}

} // namespace gantry::protocols::common
