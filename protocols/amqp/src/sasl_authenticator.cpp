#include "sasl_authenticator.hpp"

#include <cstring>
#include <string_view>

#include <proton/sasl.h>
#include <proton/sasl_plugin.h>

namespace gantry::protocols::amqp {

namespace {

sasl_authenticator& self(pn_transport_t* transport) {
    return *static_cast<sasl_authenticator*>(pnx_sasl_get_context(transport));
}

void no_free(pn_transport_t*) {} // the session owns the authenticator
const char* list_mechanisms(pn_transport_t* transport) { return self(transport).mechanisms(); }
bool init_server(pn_transport_t* transport) {
    pnx_sasl_set_desired_state(transport, SASL_POSTED_MECHANISMS);
    return true;
}
bool init_client(pn_transport_t*) { return false; }
void prepare_write(pn_transport_t*) {}
void process_init(pn_transport_t* transport, const char* mechanism, const pn_bytes_t* recv) {
    self(transport).authenticate(transport, mechanism, recv);
}
// PLAIN and ANONYMOUS finish with the initial response: a further response is a protocol error.
void process_response(pn_transport_t* transport, const pn_bytes_t*) {
    pnx_sasl_set_failed(transport);
    pnx_sasl_set_desired_state(transport, SASL_POSTED_OUTCOME);
}
bool process_mechanisms(pn_transport_t*, const char*) { return false; }
void process_challenge(pn_transport_t*, const pn_bytes_t*) {}
void process_outcome(pn_transport_t*, const pn_bytes_t*) {}
bool can_encrypt(pn_transport_t*) { return false; }
ssize_t max_encrypt_size(pn_transport_t*) { return 0; }
ssize_t encode(pn_transport_t*, pn_bytes_t, pn_bytes_t*) { return 0; }
ssize_t decode(pn_transport_t*, pn_bytes_t, pn_bytes_t*) { return 0; }

constexpr pnx_sasl_implementation plugin{no_free,          list_mechanisms,    init_server,       init_client,
                                         prepare_write,    process_init,       process_response,  process_mechanisms,
                                         process_challenge, process_outcome,   can_encrypt,       max_encrypt_size,
                                         encode,           decode};

} // namespace

void sasl_authenticator::install(pn_transport_t* transport) {
    auto* sasl = pn_sasl(transport);
    // PLAIN sends the password in clear: accepted on plain TCP as every
    // broker here does; TLS listeners protect it.
    pn_sasl_set_allow_insecure_mechs(sasl, true);
    pnx_sasl_set_implementation(transport, &plugin, this);
    pn_transport_require_auth(transport, users_ != nullptr && !users_->allow_anonymous());
}

const char* sasl_authenticator::mechanisms() const {
    return users_ == nullptr || users_->allow_anonymous() ? "PLAIN ANONYMOUS" : "PLAIN";
}

void sasl_authenticator::authenticate(pn_transport_t* transport, const char* mechanism,
                                      const pn_bytes_t* initial_response) {
    const std::string_view mech = mechanism ? mechanism : "";
    if (mech == "PLAIN") {
        // authzid NUL authcid NUL password (RFC 4616)
        const std::string_view response = initial_response && initial_response->start
                                              ? std::string_view(initial_response->start, initial_response->size)
                                              : std::string_view{};
        const auto first = response.find('\0');
        const auto second = first == std::string_view::npos ? first : response.find('\0', first + 1);
        if (second == std::string_view::npos) {
            failure_ = "malformed PLAIN response";
        } else {
            const auto user = response.substr(first + 1, second - first - 1);
            const auto password = response.substr(second + 1);
            if (users_ == nullptr) {
                principal_ = security::principal{std::string(user)};
            } else if (auto who = users_->authenticate(user, password)) {
                principal_ = std::move(*who);
            } else {
                failure_ = "user '" + std::string(user) + "': " + who.error().message();
            }
        }
    } else if (mech == "ANONYMOUS") {
        if (users_ == nullptr) {
            principal_ = security::principal{};
        } else if (auto who = users_->authenticate(std::nullopt, {})) {
            principal_ = std::move(*who);
        } else {
            failure_ = "anonymous clients are not allowed (allowAnonymous is off): use SASL PLAIN";
        }
    } else {
        failure_ = "unsupported SASL mechanism '" + std::string(mech) + "'";
    }
    if (principal_) {
        pnx_sasl_set_succeeded(transport, principal_->username ? principal_->username->c_str() : "anonymous",
                               nullptr);
    } else {
        pnx_sasl_set_failed(transport);
    }
    pnx_sasl_set_desired_state(transport, SASL_POSTED_OUTCOME);
}

} // namespace gantry::protocols::amqp
