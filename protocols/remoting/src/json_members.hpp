#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

// The members of a client's JSON body as fastjson reads them, for the body
// parsers that end at the first member of the wrong type (they throw
// shape_error and catch it once); absent and null members keep defaults.
namespace gantry::protocols::remoting::json_members {

struct shape_error {};

// The member, or null when it is absent or JSON null.
const nlohmann::json* member(const nlohmann::json& object, std::string_view key);

// A string member; a number or boolean as fastjson converts it.
std::string text(const nlohmann::json& object, std::string_view key, std::string fallback = {});

} // namespace gantry::protocols::remoting::json_members
