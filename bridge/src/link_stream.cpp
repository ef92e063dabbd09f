#include "link_stream.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ssl/host_name_verification.hpp>

#include "gantry/protocols/common/tls_context.hpp"

namespace gantry::bridge {

namespace {

std::variant<asio::ip::tcp::socket, link_stream::tls_stream> make_stream(
    asio::any_io_executor executor, const std::shared_ptr<asio::ssl::context>& context) {
    if (!context) return asio::ip::tcp::socket(executor);
    return std::variant<asio::ip::tcp::socket, link_stream::tls_stream>(std::in_place_type<link_stream::tls_stream>,
                                                                        executor, *context);
}

} // namespace

link_stream::link_stream(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> context)
    : context_(std::move(context)), stream_(make_stream(executor, context_)) {}

asio::ip::tcp::socket& link_stream::socket() noexcept {
    return std::visit(
        [](auto& s) -> asio::ip::tcp::socket& {
            if constexpr (std::is_same_v<std::decay_t<decltype(s)>, asio::ip::tcp::socket>) return s;
            else return s.next_layer();
        },
        stream_);
}

void link_stream::expect_peer(const std::string& host, bool verify) {
    auto& s = std::get<tls_stream>(stream_);
    // SNI names a host, never an address (RFC 6066 §3).
    boost::system::error_code not_an_address;
    asio::ip::make_address(host, not_an_address);
    // SSL_set_tlsext_host_name, without the macro's C cast.
    if (not_an_address)
        SSL_ctrl(s.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str()));
    if (verify) {
        s.set_verify_mode(asio::ssl::verify_peer);
        s.set_verify_callback(asio::ssl::host_name_verification(host));
    } else {
        s.set_verify_mode(asio::ssl::verify_none);
    }
}

void link_stream::close() {
    boost::system::error_code ignored;
    socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
}

std::shared_ptr<asio::ssl::context> make_tls_context(const tls_options& tls) {
    return protocols::common::make_tls_client_context({tls.ca_file, tls.cert_file, tls.key_file});
}

} // namespace gantry::bridge
