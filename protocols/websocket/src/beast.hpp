#pragma once

// Beast after the project's Asio wrapper, so <utility> comes first
// (specs/integration.md). Beast 1.74 speaks boost::string_view, not
// std::string_view: convert at the edges with to_std / to_boost.

#include <string_view>

#include "gantry/protocols/common/asio_net.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace gantry::protocols::websocket {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ws = boost::beast::websocket;

inline std::string_view to_std(boost::string_view text) {
    return {text.data(), text.size()};
}

inline boost::string_view to_boost(std::string_view text) {
    return {text.data(), text.size()};
}

} // namespace gantry::protocols::websocket
