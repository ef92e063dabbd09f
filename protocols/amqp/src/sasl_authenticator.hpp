#pragma once

#include <optional>
#include <string>

#include <proton/transport.h>

#include "gantry/security/principal.hpp"
#include "gantry/security/user_store.hpp"

namespace gantry::protocols::amqp {

// The server side of SASL for one transport: PLAIN against the user store
// every protocol shares, and ANONYMOUS when the store admits anonymous
// clients (or there is no store). Debian's proton has no Cyrus SASL, and its
// built-in server mechanism is ANONYMOUS only, hence this proton SASL plugin
// (specs/integration.md, spike 1). Lives as long as its transport.
class sasl_authenticator {
public:
    explicit sasl_authenticator(const security::user_store* users) : users_(users) {}

    // Offers the mechanisms on `transport` and, with a user store, refuses a
    // client that skips SASL. Call before any byte is read.
    void install(pn_transport_t* transport);

    // Set once the client authenticated.
    const std::optional<security::principal>& principal() const noexcept { return principal_; }
    // Why authentication failed, for the log ("" while it has not).
    const std::string& failure() const noexcept { return failure_; }

    // The plugin's entry points (proton calls them with our transport).
    const char* mechanisms() const;
    void authenticate(pn_transport_t* transport, const char* mechanism, const pn_bytes_t* initial_response);

private:
    const security::user_store* users_;
    std::optional<security::principal> principal_;
    std::string failure_;
};

} // namespace gantry::protocols::amqp
