#pragma once

#include <optional>
#include <string_view>

#include "gantry/security/access_kind.hpp"
#include "gantry/security/acl.hpp"
#include "gantry/security/principal.hpp"
#include "gantry/security/user_store.hpp"

namespace gantry::security {

// Who may connect and what they may do, as every protocol module receives
// it. A null member: anyone connects / everything is allowed.
struct access_control {
    const user_store* users = nullptr;
    const security::acl* acl = nullptr;

    // What the ACL (if any) says of `who` (client `client_id`) doing `kind`
    // on `topic`, a hierarchical name or filter.
    bool allows(access_kind kind, const principal& who, std::string_view client_id, std::string_view topic) const {
        if (!acl) return true;
        const auto user = who.username ? std::optional<std::string_view>(*who.username) : std::nullopt;
        return acl->check(kind, user, client_id, topic);
    }
};

} // namespace gantry::security
