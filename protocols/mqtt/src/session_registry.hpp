#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "delayed_will.hpp"

namespace gantry::protocols::mqtt {

class mqtt_session;

// The connected client identifiers of one module, for session takeover, and
// the wills waiting for their delay. Called from every io thread: one mutex,
// held only to read or change the maps; the sessions themselves are touched
// only through posts to their own executors.
class session_registry : public std::enable_shared_from_this<session_registry> {
public:
    struct holder {
        std::weak_ptr<common::connection> conn;
        mqtt_session* session = nullptr; // valid while conn can be locked
        std::uint64_t serial = 0;
    };

    // A fresh number for a holder.
    std::uint64_t next_serial() noexcept;

    // Makes `h` the holder of `client_id`; the previous holder, if any, is
    // asked (on its own executor) to close with "session taken over". Also
    // cancels a will still waiting for its delay under this client id.
    // `client_id` is kept as a view: it must be the holding session's own,
    // unchanged until it calls release().
    void claim(const std::string& client_id, holder h);
    // Forgets `client_id` if `serial` still holds it.
    void release(const std::string& client_id, std::uint64_t serial);

    // Publishes `will` of `client_id` when it is due, on `executor`, unless
    // a connection claims `client_id` first (or already has: then nothing is
    // published); `on_published` runs once it is stored.
    void schedule_will(engine::facade& engine, const std::string& client_id, delayed_will will,
                       asio::any_io_executor executor, std::function<void()> on_published);
    // The broker stops: the wills still waiting are not published now (their
    // sessions keep them for the next start), and no more are scheduled.
    void stop_wills();

    std::size_t connected() const;

private:
    struct pending_will;
    static void publish(pending_will& pending);

    mutable std::mutex mutex_;
    // Keyed by a view of the holder's client id: a copy would cost every
    // connected client a second string.
    std::unordered_map<std::string_view, holder> holders_;
    std::unordered_map<std::string, std::shared_ptr<pending_will>> wills_;
    std::uint64_t serial_ = 0;
    bool stopped_ = false;
};

} // namespace gantry::protocols::mqtt
