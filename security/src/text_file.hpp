#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "gantry/security/load_error.hpp"

namespace gantry::security {

// A password or ACL file read whole. `what` ("password file", "ACL file")
// starts the operator's sentence when the file cannot be read.
std::variant<std::string, load_error> read_text_file(const std::filesystem::path& path, std::string_view what);

// The text of a line without its end-of-line characters and trailing blanks.
std::string_view trim_right(std::string_view line);
std::string_view trim_left(std::string_view line);

// "password file /etc/gantry/passwd line 3: <reason>"
load_error line_error(std::error_code code, std::string_view what, const std::filesystem::path& path,
                      std::size_t line_number, std::string_view reason);

} // namespace gantry::security
