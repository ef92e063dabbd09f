#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gantry/security/security_error.hpp"

namespace gantry::security {

// One hashed password as mosquitto_passwd writes it after "user:":
// "$7$<iterations>$<base64 salt>$<base64 hash>" (PBKDF2-HMAC-SHA512 over the
// decoded salt) or the older "$6$<base64 salt>$<base64 hash>"
// (SHA-512 of the password followed by the decoded salt).
class password_hash {
public:
    enum class kind { sha512, sha512_pbkdf2 };

    struct parse_failure {
        security_errc code;  // malformed_password_line or unsupported_hash
        std::string reason;  // completes "password file F line N: "
    };

    static std::variant<password_hash, parse_failure> parse(std::string_view text);

    // Hashes the candidate and compares all 64 bytes whatever they hold, so
    // the time taken says nothing about how much of the hash matched.
    bool verify(std::string_view password) const;

    kind type() const noexcept { return kind_; }
    int iterations() const noexcept { return iterations_; }
    // Hash computations verify() makes, to compare entries' costs.
    long long cost() const noexcept { return kind_ == kind::sha512_pbkdf2 ? iterations_ : 1; }

private:
    kind kind_ = kind::sha512;
    int iterations_ = 0;
    std::vector<std::uint8_t> salt_;
    std::vector<std::uint8_t> hash_;
};

} // namespace gantry::security
