#include "delay_offsets.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <string>

#include "core_log.hpp"
#include "gantry/core/json_file.hpp"

namespace gantry::core {

namespace {

// Why `document` is not an offset table; empty when it is one.
std::string read_table(const nlohmann::json& document, delay_offset_table& out) {
    const auto table = document.find("offsetTable");
    if (table == document.end() || !table->is_object()) return "no \"offsetTable\" object";
    delay_offset_table offsets;
    for (const auto& [key, value] : table->items()) {
        int level = 0;
        const auto end = key.data() + key.size();
        const auto [ptr, ec] = std::from_chars(key.data(), end, level);
        if (ec != std::errc{} || ptr != end || level < 1) return "\"" + key + "\" is not a delay level";
        if (!value.is_number_integer() || value.get<std::int64_t>() < 0)
            return "the offset of level " + key + " is not a non-negative integer";
        offsets[level] = value.get<std::int64_t>();
    }
    out = std::move(offsets);
    return {};
}

} // namespace

result<std::optional<delay_offset_table>> load_delay_offsets(const std::filesystem::path& file) {
    delay_offset_table offsets;
    const auto found = json_file(file).load([&](const nlohmann::json& document) -> std::error_code {
        const auto problem = read_table(document, offsets);
        if (problem.empty()) return {};
        core_log()->warn("{} is not a delay offset table: {}", file.string(), problem);
        return std::make_error_code(std::errc::bad_message);
    });
    if (!found) return found.error();
    if (!*found) return std::optional<delay_offset_table>{};
    return std::optional<delay_offset_table>{std::move(offsets)};
}

std::error_code save_delay_offsets(const std::filesystem::path& file, const delay_offset_table& offsets) {
    auto table = nlohmann::json::object();
    for (const auto& [level, offset] : offsets) table[std::to_string(level)] = offset;
    return json_file(file).save(nlohmann::json{{"offsetTable", std::move(table)}});
}

} // namespace gantry::core
