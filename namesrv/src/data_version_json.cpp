#include "data_version_json.hpp"

#include "gantry/protocols/remoting/json_fields.hpp"

namespace gantry::namesrv {

std::optional<data_version> parse_data_version(const nlohmann::json& value) {
    if (!value.is_object()) return std::nullopt;
    data_version version;
    using protocols::remoting::json_fields::as_long;
    using protocols::remoting::json_fields::read_optional;
    if (!read_optional(value, "counter", version.counter, as_long) ||
        !read_optional(value, "timestamp", version.timestamp, as_long) ||
        !read_optional(value, "stateVersion", version.state_version, as_long)) {
        return std::nullopt;
    }
    return version;
}

nlohmann::json data_version_json(const data_version& version) {
    nlohmann::json out = {{"counter", version.counter}, {"timestamp", version.timestamp}};
    if (version.state_version != 0) out["stateVersion"] = version.state_version;
    return out;
}

} // namespace gantry::namesrv
