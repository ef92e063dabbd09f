#pragma once

#include <optional>
#include <string>

namespace gantry::security {

// Who a session acts as once authenticated: the verified username, or none
// for an anonymous client. ACL checks take this username, never the one a
// client merely claimed.
struct principal {
    std::optional<std::string> username;

    bool anonymous() const noexcept { return !username.has_value(); }
};

} // namespace gantry::security
