#include "namesrv_json.hpp"

#include <nlohmann/json.hpp>

#include "gantry/protocols/remoting/json_fields.hpp"

namespace gantry::namesrv {

namespace {

using json = nlohmann::json; // std::map objects: keys come out sorted, as fastjson writes beans
using protocols::remoting::json_fields::to_body_text;

} // namespace

std::string topic_list_json(const std::vector<std::string>& topics) { return to_body_text(json{{"topicList", topics}}); }

std::string kv_table_json(const kv_config::table& table) {
    json entries = json::object();
    for (const auto& [key, value] : table) entries[key] = value;
    return to_body_text(json{{"table", std::move(entries)}});
}

} // namespace gantry::namesrv
