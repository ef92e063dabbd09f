#include "password_table.hpp"

#include "gantry/security/security_error.hpp"
#include "text_file.hpp"

namespace gantry::security {

namespace {

constexpr std::string_view password_file_description = "password file";

} // namespace

std::variant<password_table, load_error> password_table::parse(std::string_view text,
                                                               const std::filesystem::path& path) {
    password_table table;
    std::map<std::string_view, std::size_t> first_seen;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const auto end = text.find('\n');
        const auto line = trim_right(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (trim_left(line).empty() || line.front() == '#') continue;

        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            return line_error(security_errc::malformed_password_line, password_file_description, path, line_number,
                              "expected user:$7$iterations$salt$hash");
        }
        const auto user = line.substr(0, colon);
        auto parsed = password_hash::parse(line.substr(colon + 1));
        if (auto* failure = std::get_if<password_hash::parse_failure>(&parsed)) {
            return line_error(failure->code, password_file_description, path, line_number, failure->reason);
        }
        if (const auto seen = first_seen.find(user); seen != first_seen.end()) {
            return line_error(security_errc::duplicate_user, password_file_description, path, line_number,
                              "user " + std::string(user) + " is already defined on line " +
                                  std::to_string(seen->second));
        }
        first_seen.emplace(user, line_number);
        const auto& entry =
            table.users.emplace(std::string(user), std::move(std::get<password_hash>(parsed))).first->second;
        if (!table.decoy || entry.cost() > table.decoy->cost()) table.decoy = entry;
    }
    return table;
}

} // namespace gantry::security
