#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/websocket/websocket_listener.hpp"

namespace gantry::protocols::websocket {

// What one WebSocket/HTTP port serves, fixed at start and shared read-only by
// every exchange on every io thread. Pure decisions, no I/O but the file
// system look-up of static files.
struct websocket_site {
    struct choice {
        std::size_t route = 0;   // index into routes
        std::string subprotocol; // as the broker lists it
    };

    // What a GET for a static file resolved to.
    struct static_file {
        enum class kind { found, not_found, forbidden } outcome = kind::not_found;
        std::filesystem::path path;
        std::string_view content_type;
    };

    std::vector<websocket_route> routes;
    // The port's count of open sockets, upgraded or not.
    std::shared_ptr<common::admission> admitted = std::make_shared<common::admission>();
    // What the connections of each route share: the module's name, its
    // limits, with the idle timeout of the WebSocket port where shorter, and
    // the port's count.
    std::vector<std::shared_ptr<const common::connection::profile>> profiles;
    websocket_listener_config config;
    // config.static_dir made canonical at start; empty: no static files.
    std::filesystem::path static_root;

    // The first subprotocol of a Sec-WebSocket-Protocol header ("mqtt, v12.stomp")
    // that a route lists (names compare case-sensitively, RFC 6455 4.1).
    std::optional<choice> choose(std::string_view offered) const;

    // Every subprotocol the routes list, in route order.
    std::vector<std::string> subprotocols() const;

    // The file a request target ("/index.html?x=1") names under static_root:
    // percent-decoded, "/" and ".../" mean index.html, ".." or a path leaving
    // the root (also through a symbolic link) is forbidden, and only regular
    // files of the types content_type_of knows are found.
    static_file find_static(std::string_view target) const;

    // "text/html; charset=utf-8" for ".html"; empty for types not served.
    static std::string_view content_type_of(const std::filesystem::path& file);
};

} // namespace gantry::protocols::websocket
