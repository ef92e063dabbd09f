#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "gantry/security/access_kind.hpp"
#include "gantry/security/load_error.hpp"

namespace gantry::security {

struct acl_table;

// Topic access control from a mosquitto-style acl_file, shared by every
// protocol (each maps its addresses to '/'-separated topic names first).
// Without a file everything is allowed; with one, only what a rule grants:
//   - a client with a username gets the rules after "user <username>", an
//     anonymous client the topic rules before the first user line; every
//     client gets the pattern rules, with %u and %c replaced by its username
//     and client id;
//   - a deny rule that applies wins over any grant;
//   - read and write check a topic name against the rules' filters;
//     subscribe is allowed when one read rule covers the whole filter (every
//     name the filter matches, the rule matches) and no deny rule overlaps
//     it (no name matches both), so an allowed subscription never needs a
//     per-message check.
// Safe to share between io threads: check() works on a snapshot of an
// immutable table, which load() and reload() replace whole from any thread.
class acl {
public:
    acl();
    ~acl();
    acl(const acl&) = delete;
    acl& operator=(const acl&) = delete;

    // Reads the ACL file and makes it the one reload() rereads. On error the
    // rules loaded before (or allow-all, if none) stay in force.
    std::optional<load_error> load(const std::filesystem::path& acl_file);
    // Rereads the file given to load(); nothing to do if there is none.
    std::optional<load_error> reload();

    bool has_acl_file() const;

    // `username` is the authenticated one (principal::username), absent for an
    // anonymous client; `topic` a name for read and write, a filter for
    // subscribe. A name with wildcards or an invalid filter is refused.
    [[nodiscard]] bool check(access_kind kind, std::optional<std::string_view> username,
                             std::string_view client_id, std::string_view topic) const;

private:
    std::shared_ptr<const acl_table> snapshot() const;

    mutable std::mutex mutex_; // guards path_ and table_ (the pointer, not the table)
    std::filesystem::path path_;
    std::shared_ptr<const acl_table> table_;
};

} // namespace gantry::security
