#include "session_registry.hpp"

#include <algorithm>
#include <utility>

#include "gantry/engine/wall_clock.hpp"
#include "mqtt_log.hpp"
#include "mqtt_session.hpp"

namespace gantry::protocols::mqtt {

// A will waiting for its delay, on the executor of the connection that left
// (or, after a restart, one of the module's).
struct session_registry::pending_will {
    pending_will(engine::facade& e, std::string id, delayed_will w, asio::any_io_executor ex,
                 std::function<void()> published)
        : engine(e), client_id(std::move(id)), will(std::move(w)), executor(std::move(ex)), timer(executor),
          on_published(std::move(published)) {}

    engine::facade& engine;
    std::string client_id;
    delayed_will will;
    asio::any_io_executor executor;
    asio::steady_timer timer;
    std::function<void()> on_published;
    bool stopping = false; // cancelled by stop_wills(), not by the client's return
};

std::uint64_t session_registry::next_serial() noexcept {
    std::lock_guard lock(mutex_);
    return ++serial_;
}

void session_registry::claim(const std::string& client_id, holder h) {
    std::optional<holder> previous;
    std::shared_ptr<pending_will> will;
    {
        std::lock_guard lock(mutex_);
        if (const auto it = holders_.find(client_id); it != holders_.end()) {
            previous = it->second;
            holders_.erase(it); // its key views the previous holder's id
        }
        holders_.emplace(client_id, h);
        if (auto w = wills_.find(client_id); w != wills_.end()) {
            will = std::move(w->second);
            wills_.erase(w);
        }
    }
    if (will) asio::post(will->executor, [will] { will->timer.cancel(); });
    if (!previous) return;
    if (auto conn = previous->conn.lock()) {
        conn->post([weak = previous->conn, session = previous->session] {
            if (auto alive = weak.lock()) session->take_over();
        });
    }
}

void session_registry::release(const std::string& client_id, std::uint64_t serial) {
    std::lock_guard lock(mutex_);
    if (auto it = holders_.find(client_id); it != holders_.end() && it->second.serial == serial) holders_.erase(it);
}

void session_registry::schedule_will(engine::facade& engine, const std::string& client_id, delayed_will will,
                                     asio::any_io_executor executor, std::function<void()> on_published) {
    auto pending = std::make_shared<pending_will>(engine, client_id, std::move(will), std::move(executor),
                                                  std::move(on_published));
    {
        std::lock_guard lock(mutex_);
        if (stopped_) return; // kept by its session for the next start
        // 5.0 §3.1.3.2.2: a new connection for the client within the delay
        // means no will; one may have claimed the id already (a takeover).
        if (holders_.contains(client_id)) {
            mqtt_log()->debug("will of MQTT client '{}' not published: the client is connected again", client_id);
            return;
        }
        wills_[client_id] = pending;
    }
    const auto wait = std::max<std::int64_t>(0, pending->will.due_ms - engine::wall_clock_ms());
    pending->timer.expires_after(std::chrono::milliseconds(wait));
    pending->timer.async_wait([pending, weak = weak_from_this()](const boost::system::error_code& ec) {
        if (auto self = weak.lock()) {
            std::lock_guard lock(self->mutex_);
            if (auto it = self->wills_.find(pending->client_id); it != self->wills_.end() && it->second == pending)
                self->wills_.erase(it);
        }
        if (ec) {
            if (!pending->stopping)
                mqtt_log()->debug("will of MQTT client '{}' not published: the client reconnected within its delay",
                                  pending->client_id);
            return;
        }
        publish(*pending);
    });
}

void session_registry::publish(pending_will& pending) {
    const auto& client = pending.client_id;
    auto msg = will_to_publish(pending.will, client, engine::wall_clock_ms());
    if (!msg) {
        mqtt_log()->warn("could not publish the delayed will of MQTT client '{}': {}", client, msg.error().message());
        return;
    }
    publish_will_message(pending.engine, {{}, client, pending.executor}, std::move(*msg),
                         std::move(pending.on_published));
}

void session_registry::stop_wills() {
    std::unordered_map<std::string, std::shared_ptr<pending_will>> wills;
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        wills.swap(wills_);
    }
    for (const auto& entry : wills) {
        const auto& will = entry.second;
        will->stopping = true;
        asio::post(will->executor, [will] { will->timer.cancel(); });
    }
}

std::size_t session_registry::connected() const {
    std::lock_guard lock(mutex_);
    return holders_.size();
}

} // namespace gantry::protocols::mqtt
