#include "gantry/security/user_store.hpp"

#include "gantry/security/security_error.hpp"
#include "password_table.hpp"
#include "text_file.hpp"

namespace gantry::security {

user_store::user_store(bool allow_anonymous) : allow_anonymous_(allow_anonymous) {}

user_store::~user_store() = default;

std::optional<load_error> user_store::load(const std::filesystem::path& password_file) {
    auto text = read_text_file(password_file, "password file");
    if (auto* error = std::get_if<load_error>(&text)) return std::move(*error);
    auto parsed = password_table::parse(std::get<std::string>(text), password_file);
    if (auto* error = std::get_if<load_error>(&parsed)) return std::move(*error);
    auto table = std::make_shared<const password_table>(std::move(std::get<password_table>(parsed)));
    const std::lock_guard lock(mutex_);
    path_ = password_file;
    table_ = std::move(table);
    return std::nullopt;
}

std::optional<load_error> user_store::reload() {
    std::filesystem::path path;
    {
        const std::lock_guard lock(mutex_);
        path = path_;
    }
    if (path.empty()) return std::nullopt;
    return load(path);
}

bool user_store::has_password_file() const { return snapshot() != nullptr; }

std::size_t user_store::user_count() const {
    const auto table = snapshot();
    return table ? table->users.size() : 0;
}

result<principal> user_store::authenticate(std::optional<std::string_view> username,
                                           std::string_view password) const {
    const auto table = snapshot();
    if (!username || !table) {
        if (!allow_anonymous()) return security_errc::anonymous_not_allowed;
        return principal{};
    }
    const auto entry = table->users.find(*username);
    if (entry == table->users.end()) {
        if (table->decoy) (void)table->decoy->verify(password);
        return security_errc::unknown_user;
    }
    if (!entry->second.verify(password)) return security_errc::wrong_password;
    return principal{std::string(*username)};
}

std::shared_ptr<const password_table> user_store::snapshot() const {
    const std::lock_guard lock(mutex_);
    return table_;
}

} // namespace gantry::security
