#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "gantry/engine/result.hpp"
#include "gantry/security/load_error.hpp"
#include "gantry/security/principal.hpp"

namespace gantry::security {

struct password_table;

// The users every protocol authenticates against: a mosquitto_passwd file
// ($7$ PBKDF2-HMAC-SHA512 and $6$ SHA-512 entries) and the allow_anonymous
// policy. Safe to share between io threads: authenticate() works on a
// snapshot of an immutable table, which load() and reload() replace whole
// from any thread, and only once the new file has parsed.
class user_store {
public:
    explicit user_store(bool allow_anonymous = false);
    ~user_store();
    user_store(const user_store&) = delete;
    user_store& operator=(const user_store&) = delete;

    // Reads the password file and makes it the one reload() rereads. On error
    // the users loaded before (if any) stay in force.
    std::optional<load_error> load(const std::filesystem::path& password_file);
    // Rereads the file given to load(); nothing to do if there is none.
    std::optional<load_error> reload();

    void set_allow_anonymous(bool allow) noexcept { allow_anonymous_.store(allow, std::memory_order_relaxed); }
    bool allow_anonymous() const noexcept { return allow_anonymous_.load(std::memory_order_relaxed); }
    bool has_password_file() const;
    std::size_t user_count() const;

    // A client with a username is checked against the password file (an
    // absent password is the empty one). A client without one, or with a
    // username while no password file is loaded (it cannot be verified, so it
    // is not trusted), is admitted as anonymous if allow_anonymous is on.
    // Errors: security_errc::unknown_user, wrong_password, anonymous_not_allowed.
    result<principal> authenticate(std::optional<std::string_view> username, std::string_view password) const;

private:
    std::shared_ptr<const password_table> snapshot() const;

    std::atomic<bool> allow_anonymous_;
    mutable std::mutex mutex_; // guards path_ and table_ (the pointer, not the table)
    std::filesystem::path path_;
    std::shared_ptr<const password_table> table_;
};

} // namespace gantry::security
