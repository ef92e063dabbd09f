#pragma once

#include <string>
#include <system_error>

namespace gantry::security {

// Why a password or ACL file was not loaded. An error code alone cannot say
// where: the message is the one line the operator reads, naming the file and,
// for a bad entry, its line number and what was expected there.
struct load_error {
    std::error_code code; // a security_errc
    std::string message;
};

} // namespace gantry::security
