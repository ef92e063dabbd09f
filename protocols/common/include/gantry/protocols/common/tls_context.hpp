#pragma once

#include <memory>
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

} // namespace gantry::protocols::common
