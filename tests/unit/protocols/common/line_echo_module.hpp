#pragma once

// A tiny protocol for testing the listener layer: frames are lines ending in
// '\n', each echoed back. "bye" answers with a large farewell and closes after
// flushing; "zc" answers with a zero-copy send whose keep-alive token the
// test watches. "where" answers with the name of the thread it runs on;
// "move <n>" asks the connection to move to echo_stats::io_contexts[n];
// "hold" makes the session not movable until "release".

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <pthread.h>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/common/protocol_module.hpp"

namespace gantry::protocols::common::testing {

inline constexpr std::size_t farewell_size = 300 * 1024;

// What the sessions saw, shared with the test thread.
struct echo_stats {
    std::atomic<std::size_t> consumed_bytes{0};
    std::atomic<std::size_t> writable_calls{0};

    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> close_reasons;
    std::set<std::thread::id> session_threads;
    std::vector<std::weak_ptr<connection>> connections;
    std::weak_ptr<const void> last_token;
    // Where "move <n>" sends a connection; set by the test before connecting.
    std::vector<asio::io_context*> io_contexts;

    bool wait_closes(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return close_reasons.size() >= count; });
    }
    std::vector<std::string> reasons() {
        std::lock_guard lock(mutex);
        return close_reasons;
    }
    std::shared_ptr<connection> connection_at(std::size_t index) {
        std::lock_guard lock(mutex);
        return index < connections.size() ? connections[index].lock() : nullptr;
    }
};

class line_echo_session final : public protocol_session {
public:
    line_echo_session(connection& conn, std::size_t max_line, std::shared_ptr<echo_stats> stats)
        : conn_(conn), max_line_(max_line), stats_(std::move(stats)) {}

    consume_result consume(std::span<const std::byte> input) override {
        const auto newline = std::find(input.begin(), input.end(), std::byte{'\n'});
        const auto line_length = static_cast<std::size_t>(newline - input.begin());
        if (line_length > max_line_) {
            return consume_result::closing("line longer than maxFrameSize (" + std::to_string(max_line_) + " bytes)");
        }
        if (newline == input.end()) {
            return consume_result::took(0);
        }
        const std::string line(reinterpret_cast<const char*>(input.data()), line_length);
        if (line == "bye") {
            conn_.send(std::string(farewell_size, 'z') + "\n");
            conn_.close_after_flush("client said bye");
        } else if (line == "zc") {
            auto token = std::make_shared<const std::string>("zero-copy\n");
            {
                std::lock_guard lock(stats_->mutex);
                stats_->last_token = token;
            }
            const asio::const_buffer parts[] = {asio::buffer(token->data(), 5), asio::buffer(token->data() + 5, 5)};
            conn_.send(parts, token);
        } else if (line == "where") {
            char name[16] = {};
            pthread_getname_np(pthread_self(), name, sizeof name);
            conn_.send(std::string(name) + "\n");
        } else if (line.starts_with("move ")) {
            conn_.move_to(*stats_->io_contexts.at(std::stoul(line.substr(5))));
            conn_.send(line + "\n");
        } else if (line == "hold" || line == "release") {
            movable_ = line == "release";
            conn_.send(line + "\n");
            if (movable_) conn_.retry_move();
        } else if (line.starts_with("idle ")) {
            // "idle <ms>": this connection's own idle timeout, as a keep-alive sets it.
            conn_.set_idle_timeout(std::chrono::milliseconds(std::stoll(line.substr(5))));
            conn_.send(line + "\n");
        } else {
            conn_.send(line + "\n");
        }
        stats_->consumed_bytes += line_length + 1;
        return consume_result::took(line_length + 1);
    }

    void on_writable() override { ++stats_->writable_calls; }
    bool movable() const override { return movable_; }

    void on_closed(std::string_view reason) override {
        std::lock_guard lock(stats_->mutex);
        stats_->close_reasons.emplace_back(reason);
        stats_->changed.notify_all();
    }

private:
    connection& conn_;
    std::size_t max_line_;
    std::shared_ptr<echo_stats> stats_;
    bool movable_ = true;
};

class line_echo_module final : public protocol_module {
public:
    std::string_view name() const override { return "ECHO"; }
    std::uint16_t default_port() const override { return 7; }
    std::vector<std::string> websocket_subprotocols() const override { return {}; }
    connection_limits default_limits() const override { return connection_limits::for_frame_size(1024); }

    std::unique_ptr<protocol_session> make_session(connection& conn, const session_context& context) override {
        {
            std::lock_guard lock(stats->mutex);
            stats->session_threads.insert(std::this_thread::get_id());
            stats->connections.push_back(conn.weak_from_this());
        }
        return std::make_unique<line_echo_session>(conn, context.limits.max_frame_size, stats);
    }

    std::shared_ptr<echo_stats> stats = std::make_shared<echo_stats>();
};

} // namespace gantry::protocols::common::testing
