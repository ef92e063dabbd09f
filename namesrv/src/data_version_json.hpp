#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "gantry/namesrv/broker_registration.hpp"

// DataVersion as JSON (spec 4.5): {"counter":N,"timestamp":T}, 5.x's
// stateVersion only when set.
namespace gantry::namesrv {

std::optional<data_version> parse_data_version(const nlohmann::json& value);
nlohmann::json data_version_json(const data_version& version);

} // namespace gantry::namesrv
