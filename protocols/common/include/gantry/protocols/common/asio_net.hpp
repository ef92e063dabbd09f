#pragma once

// The Asio parts the listener layer uses beyond the engine's, included
// after the engine's wrapper so <utility> comes first (specs/integration.md).
#include "gantry/engine/asio.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <typeinfo>

namespace gantry::protocols::common {

// An accepted socket on its io_context's own executor type: Asio's
// asio::ip::tcp::socket type-erases it, which costs every connection 40
// bytes.
using accepted_tcp_socket = asio::basic_stream_socket<asio::ip::tcp, asio::io_context::executor_type>;

// The io_context whose own executor `executor` is; null for any other kind
// (a strand, a WebSocket service's). Checked by type: Asio 1.18's
// any_io_executor::target casts without looking.
inline asio::io_context* io_context_of(const asio::any_io_executor& executor) noexcept {
    if (!executor || executor.target_type() != typeid(asio::io_context::executor_type)) return nullptr;
    return &executor.target<asio::io_context::executor_type>()->context();
}

} // namespace gantry::protocols::common
