#pragma once

#include <system_error>

namespace gantry::namesrv {

// Why the name server refused a request body. New values go at the end and
// existing ones are never renumbered.
enum class namesrv_errc {
    malformed_register_body = 1, // not the JSON or compressed layout of a RegisterBrokerBody
    register_body_too_large,     // a compressed body inflates past the limit
    malformed_data_version,      // a QUERY_DATA_VERSION body that is not a DataVersion
};

const std::error_category& namesrv_category() noexcept;

inline std::error_code make_error_code(namesrv_errc e) noexcept { return {static_cast<int>(e), namesrv_category()}; }

} // namespace gantry::namesrv

template <>
struct std::is_error_code_enum<gantry::namesrv::namesrv_errc> : std::true_type {};
