#pragma once

#include <system_error>

namespace gantry::security {

// Why a client was refused or a security file was not loaded. New values go
// at the end and existing ones are never renumbered.
enum class security_errc {
    unknown_user = 1,       // the username is not in the password file
    wrong_password,         // the username is known, the password does not match
    anonymous_not_allowed,  // no verifiable username and allow_anonymous is off
    file_unreadable,        // the password or ACL file cannot be opened or read
    malformed_password_line,
    unsupported_hash,       // a password entry whose hash type is not $6$ or $7$
    duplicate_user,         // the same username twice in one password file
    malformed_acl_line,
};

const std::error_category& security_category() noexcept;

inline std::error_code make_error_code(security_errc e) noexcept { return {static_cast<int>(e), security_category()}; }

} // namespace gantry::security

template <>
struct std::is_error_code_enum<gantry::security::security_errc> : std::true_type {};
