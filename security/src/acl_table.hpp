#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gantry/security/load_error.hpp"

namespace gantry::security {

enum class acl_right { read, write, readwrite, deny };

struct acl_rule {
    acl_right right;
    std::string topic; // a filter; in a pattern rule it may hold %u and %c
};

// The rules of one ACL file, immutable once parsed: a reload builds a new
// table and swaps it in whole.
struct acl_table {
    std::vector<acl_rule> anonymous;                               // topic lines before any user line
    std::map<std::string, std::vector<acl_rule>, std::less<>> users; // topic lines after "user <name>"
    std::vector<acl_rule> patterns;                                // pattern lines, wherever they stand

    // Parses the text of a mosquitto-style acl_file read from `path` (named
    // in errors). Every line must parse, or nothing is loaded.
    static std::variant<acl_table, load_error> parse(std::string_view text, const std::filesystem::path& path);
};

} // namespace gantry::security
