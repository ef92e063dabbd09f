#include "gantry/security/security_error.hpp"

#include <string>

namespace gantry::security {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.security"; }
    std::string message(int code) const override {
        switch (static_cast<security_errc>(code)) {
        case security_errc::unknown_user: return "unknown user";
        case security_errc::wrong_password: return "wrong password";
        case security_errc::anonymous_not_allowed: return "anonymous clients are not allowed";
        case security_errc::file_unreadable: return "the file cannot be read";
        case security_errc::malformed_password_line: return "malformed password file line";
        case security_errc::unsupported_hash: return "unsupported password hash type";
        case security_errc::duplicate_user: return "user listed twice in the password file";
        case security_errc::malformed_acl_line: return "malformed ACL file line";
        }
        return "unknown security error";
    }
};

} // namespace

const std::error_category& security_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace gantry::security
