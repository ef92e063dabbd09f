#pragma once

#include <string>
#include <string_view>

namespace gantry::security::test {

// "$7$<iterations>$<salt>$<hash>" computed with OpenSSL directly, so the
// library is checked against an independent computation.
std::string pbkdf2_entry(std::string_view password, std::string_view salt, int iterations);
// "$6$<salt>$<hash>": SHA-512 of the password followed by the salt.
std::string sha512_entry(std::string_view password, std::string_view salt);

} // namespace gantry::security::test
