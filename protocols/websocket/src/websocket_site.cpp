#include "websocket_site.hpp"

#include <algorithm>
#include <array>
#include <system_error>
#include <utility>

namespace gantry::protocols::websocket {

namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The path of a request target, percent-decoded; nothing when it is not an
// origin-form path or decodes to a NUL.
std::optional<std::string> decoded_path(std::string_view target) {
    target = target.substr(0, target.find_first_of("?#"));
    if (target.empty() || target.front() != '/') {
        return std::nullopt;
    }
    std::string path;
    path.reserve(target.size());
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (target[i] != '%') {
            path += target[i];
            continue;
        }
        if (i + 2 >= target.size()) return std::nullopt;
        const int high = hex_value(target[i + 1]);
        const int low = hex_value(target[i + 2]);
        if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;
        path += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return path;
}

bool is_under(const std::filesystem::path& path, const std::filesystem::path& root) {
    return std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first == root.end();
}

} // namespace

std::optional<websocket_site::choice> websocket_site::choose(std::string_view offered) const {
    while (!offered.empty()) {
        const auto comma = offered.find(',');
        const auto name = trim(offered.substr(0, comma));
        offered = comma == std::string_view::npos ? std::string_view{} : offered.substr(comma + 1);
        for (std::size_t i = 0; i < routes.size(); ++i) {
            for (const auto& listed : routes[i].module->websocket_subprotocols()) {
                if (!name.empty() && listed == name) {
                    return choice{i, listed};
                }
            }
        }
    }
    return std::nullopt;
}

std::vector<std::string> websocket_site::subprotocols() const {
    std::vector<std::string> names;
    for (const auto& route : routes) {
        for (auto& name : route.module->websocket_subprotocols()) {
            names.push_back(std::move(name));
        }
    }
    return names;
}

websocket_site::static_file websocket_site::find_static(std::string_view target) const {
    using kind = static_file::kind;
    if (static_root.empty()) {
        return {};
    }
    auto path = decoded_path(target);
    if (!path) {
        return {kind::forbidden, {}, {}};
    }
    if (path->back() == '/') {
        *path += "index.html";
    }
    // Refused outright rather than normalized away: no legitimate page asks
    // for "..", and a traversal attempt deserves a clear answer.
    const std::filesystem::path relative = std::filesystem::path(*path).relative_path();
    for (const auto& part : relative) {
        if (part == "..") {
            return {kind::forbidden, {}, {}};
        }
    }
    const auto lexical = (static_root / relative).lexically_normal();
    if (!is_under(lexical, static_root)) {
        return {kind::forbidden, {}, {}};
    }
    std::error_code error;
    const auto real = std::filesystem::canonical(lexical, error);
    if (error) {
        return {};
    }
    if (!is_under(real, static_root)) {
        return {kind::forbidden, {}, {}};
    }
    const auto type = content_type_of(real);
    if (type.empty() || !std::filesystem::is_regular_file(real, error)) {
        return {};
    }
    return {kind::found, real, type};
}

std::string_view websocket_site::content_type_of(const std::filesystem::path& file) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> types{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
    }};
    const auto extension = file.extension().string();
    for (const auto& [suffix, type] : types) {
        if (extension == suffix) {
            return type;
        }
    }
    return {};
}

} // namespace gantry::protocols::websocket
