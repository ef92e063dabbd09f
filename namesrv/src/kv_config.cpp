#include "gantry/namesrv/kv_config.hpp"

#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "namesrv_log.hpp"

namespace gantry::namesrv {

namespace {

using json = nlohmann::json;

// fastjson would turn a number or boolean into its text where a String is expected.
std::optional<std::string> as_text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number() || value.is_boolean()) return value.dump();
    return std::nullopt;
}

} // namespace

kv_config::kv_config(std::filesystem::path path) : path_(std::move(path)) {}

std::optional<std::string> kv_config::load() {
    if (path_.empty()) return std::nullopt;
    std::error_code error;
    const auto status = std::filesystem::status(path_, error);
    if (status.type() == std::filesystem::file_type::not_found) return std::nullopt;
    const auto unreadable = "cannot read the KV config file '" + path_.string() + "' (kvConfigPath)";
    if (error) return unreadable + ": " + error.message();
    if (status.type() != std::filesystem::file_type::regular) return unreadable + ": it is not a regular file";
    std::ifstream in(path_, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in) return unreadable + ": check its permissions";
    const auto text = content.str();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;

    const auto parsed = json::parse(text, nullptr, false);
    const auto corrupt = [&](const std::string& why) {
        return "the KV config file '" + path_.string() + "' (kvConfigPath) is corrupt: " + why +
               "; restore it from a backup or remove it to start with an empty KV config";
    };
    if (parsed.is_discarded()) return corrupt("it is not valid JSON");
    if (!parsed.is_object()) return corrupt("it is not a JSON object");
    std::map<std::string, table, std::less<>> loaded;
    const auto config_table = parsed.find("configTable");
    if (config_table != parsed.end() && !config_table->is_null()) {
        if (!config_table->is_object()) return corrupt("configTable is not an object");
        for (const auto& [name_space, entries] : config_table->items()) {
            if (!entries.is_object()) return corrupt("namespace '" + name_space + "' is not an object");
            auto& target = loaded[name_space];
            for (const auto& [key, value] : entries.items()) {
                auto text_value = as_text(value);
                if (!text_value) return corrupt("the value of '" + name_space + "'/'" + key + "' is not text");
                target.emplace(key, std::move(*text_value));
            }
        }
    }
    const std::lock_guard lock(mutex_);
    namespaces_ = std::move(loaded);
    return std::nullopt;
}

void kv_config::put(std::string_view name_space, std::string_view key, std::string value) {
    const std::lock_guard lock(mutex_);
    auto entries = namespaces_.find(name_space);
    if (entries == namespaces_.end()) entries = namespaces_.emplace(std::string(name_space), table{}).first;
    entries->second.insert_or_assign(std::string(key), std::move(value));
    persist();
}

std::optional<std::string> kv_config::get(std::string_view name_space, std::string_view key) const {
    const std::lock_guard lock(mutex_);
    const auto entries = namespaces_.find(name_space);
    if (entries == namespaces_.end()) return std::nullopt;
    const auto value = entries->second.find(key);
    if (value == entries->second.end()) return std::nullopt;
    return value->second;
}

void kv_config::erase(std::string_view name_space, std::string_view key) {
    const std::lock_guard lock(mutex_);
    const auto entries = namespaces_.find(name_space);
    if (entries == namespaces_.end()) return;
    if (const auto value = entries->second.find(key); value != entries->second.end()) entries->second.erase(value);
    persist();
}

std::optional<kv_config::table> kv_config::list(std::string_view name_space) const {
    const std::lock_guard lock(mutex_);
    const auto entries = namespaces_.find(name_space);
    if (entries == namespaces_.end()) return std::nullopt;
    return entries->second;
}

void kv_config::persist() const {
    if (path_.empty()) return;
    json config_table = json::object();
    for (const auto& [name_space, entries] : namespaces_) {
        auto& target = config_table[name_space] = json::object();
        for (const auto& [key, value] : entries) target[key] = value;
    }
    const auto text = json{{"configTable", std::move(config_table)}}.dump(-1, ' ', false,
                                                                           json::error_handler_t::replace);
    auto temporary = path_;
    temporary += ".tmp";
    std::error_code error;
    if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), error);
    if (!error) {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) error = std::make_error_code(std::errc::io_error);
    }
    if (!error) std::filesystem::rename(temporary, path_, error);
    if (error) {
        namesrv_log()->error("cannot write the KV config file '{}' (kvConfigPath): {}; the change is kept in memory "
                             "only: check the directory's permissions and free space",
                             path_.string(), error.message());
    }
}

} // namespace gantry::namesrv
