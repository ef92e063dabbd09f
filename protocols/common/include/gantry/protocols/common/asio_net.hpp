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
