#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "gantry/security/load_error.hpp"
#include "password_hash.hpp"

namespace gantry::security {

// The users of one password file, immutable once parsed: a reload builds a
// new table and swaps it in whole.
struct password_table {
    std::map<std::string, password_hash, std::less<>> users;
    // The costliest entry, hashed for an unknown username so that the answer
    // takes as long as for a known one and timing does not reveal who exists.
    std::optional<password_hash> decoy;

    // Parses the text of a mosquitto_passwd file read from `path` (named in
    // errors): "user:hash" lines; blank lines and lines starting with '#' are
    // skipped. Every line must parse, or nothing is loaded.
    static std::variant<password_table, load_error> parse(std::string_view text,
                                                          const std::filesystem::path& path);
};

} // namespace gantry::security
