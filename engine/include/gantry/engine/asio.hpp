#pragma once

// The one way Gantry includes Boost.Asio: Boost 1.74's asio/awaitable.hpp
// uses std::exchange without including <utility>, which GCC 12 in C++20 mode
// rejects (shared/specs/integration.md, "Toolchain pitfalls").
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace gantry {
namespace asio = boost::asio;
} // namespace gantry
