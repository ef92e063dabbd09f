#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "gantry/protocols/common/asio_net.hpp"
#include <boost/asio/ssl/context.hpp>

namespace gantry::protocols::common {

// The PEM files of one side of a TLS connection.
struct tls_files {
    std::string ca_file;   // authorities the peer's certificate must chain to
    std::string cert_file; // this side's certificate chain
    std::string key_file;  // its private key
};

// TLS 1.2 or later, for connecting out (bridges): the peer's certificate is
// checked against `ca_file`, or the system's authorities when it is empty;
// a client certificate is sent when `cert_file` is set. Throws
// std::runtime_error naming the file that cannot be used and why.
std::shared_ptr<asio::ssl::context> make_tls_client_context(const tls_files& files);

// TLS 1.2 or later, for listeners: `cert_file` and `key_file` are required.
// With `ca_file`, clients are asked for a certificate chaining to it; with
// `require_client_certificate` too, a client without one is refused in the
// handshake. Throws std::runtime_error like make_tls_client_context.
std::shared_ptr<asio::ssl::context> make_tls_server_context(const tls_files& files, bool require_client_certificate);

// The context a TLS listener hands each new connection, replaceable while
// it runs (a renewed certificate): a connection keeps the one it began with.
// Any thread.
class tls_server_context {
public:
    explicit tls_server_context(std::shared_ptr<asio::ssl::context> context) : context_(std::move(context)) {}

    std::shared_ptr<asio::ssl::context> current() const {
        std::lock_guard lock(mutex_);
        return context_;
    }
    void replace(std::shared_ptr<asio::ssl::context> context) {
        std::lock_guard lock(mutex_);
        context_ = std::move(context);
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<asio::ssl::context> context_;
};

} // namespace gantry::protocols::common
