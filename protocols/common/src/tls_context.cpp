#include "gantry/protocols/common/tls_context.hpp"

#include <stdexcept>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace gantry::protocols::common {

namespace {

using error_code = boost::system::error_code;

std::shared_ptr<asio::ssl::context> make_context(asio::ssl::context::method method) {
    auto context = std::make_shared<asio::ssl::context>(method);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
    return context;
}

void check(const error_code& error, std::string_view what, const std::string& file) {
    if (error) throw std::runtime_error("cannot read the " + std::string(what) + " '" + file + "': " + error.message());
}

void use_own_certificate(asio::ssl::context& context, const tls_files& files) {
    error_code error;
    context.use_certificate_chain_file(files.cert_file, error);
    check(error, "certificate file", files.cert_file);
    context.use_private_key_file(files.key_file, asio::ssl::context::pem, error);
    if (error && ERR_GET_REASON(static_cast<unsigned long>(error.value())) == X509_R_KEY_VALUES_MISMATCH)
        throw std::runtime_error("the key file '" + files.key_file + "' does not hold the private key of the "
                                 "certificate in '" + files.cert_file + "'");
    check(error, "key file", files.key_file);
}

} // namespace

std::shared_ptr<asio::ssl::context> make_tls_client_context(const tls_files& files) {
    auto context = make_context(asio::ssl::context::tls_client);
    error_code error;
    if (files.ca_file.empty()) context->set_default_verify_paths(error);
    else context->load_verify_file(files.ca_file, error);
    check(error, "CA file", files.ca_file);
    if (!files.cert_file.empty()) use_own_certificate(*context, files);
    return context;
}

std::shared_ptr<asio::ssl::context> make_tls_server_context(const tls_files& files, bool require_client_certificate) {
    auto context = make_context(asio::ssl::context::tls_server);
    use_own_certificate(*context, files);
    if (!files.ca_file.empty()) {
        error_code error;
        context->load_verify_file(files.ca_file, error);
        check(error, "CA file", files.ca_file);
        // Tells clients which authority to pick their certificate by.
        if (auto* names = SSL_load_client_CA_file(files.ca_file.c_str()))
            SSL_CTX_set_client_CA_list(context->native_handle(), names);
        context->set_verify_mode(asio::ssl::verify_peer |
                                 (require_client_certificate ? asio::ssl::verify_fail_if_no_peer_cert : 0));
        // A resumed session keeps the verified client: OpenSSL refuses to
        // resume sessions of a verifying server without an id context.
        static constexpr unsigned char id_context[] = "gantry";
        SSL_CTX_set_session_id_context(context->native_handle(), id_context, sizeof id_context - 1);
    }
    return context;
}

} // namespace gantry::protocols::common
