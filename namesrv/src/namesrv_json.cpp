#include "namesrv_json.hpp"

#include <nlohmann/json.hpp>

namespace gantry::namesrv {

namespace {

using json = nlohmann::json; // std::map objects: keys come out sorted, as fastjson writes beans

// Names are the brokers' and operators' own text; keep invalid UTF-8 from failing the dump.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

} // namespace

std::string topic_list_json(const std::vector<std::string>& topics) { return dump(json{{"topicList", topics}}); }

std::string kv_table_json(const kv_config::table& table) {
    json entries = json::object();
    for (const auto& [key, value] : table) entries[key] = value;
    return dump(json{{"table", std::move(entries)}});
}

} // namespace gantry::namesrv
