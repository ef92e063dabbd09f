#include "session_registry.hpp"

#include <utility>

#include "mqtt_log.hpp"
#include "mqtt_session.hpp"

namespace gantry::protocols::mqtt {

// A will waiting for its delay, on the executor of the connection that left.
struct session_registry::pending_will {
    pending_will(engine::facade& e, engine::operation_context c, engine::message m)
        : engine(e), ctx(std::move(c)), msg(std::move(m)), timer(ctx.executor) {}

    engine::facade& engine;
    engine::operation_context ctx;
    engine::message msg;
    asio::steady_timer timer;
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
        auto [it, inserted] = holders_.try_emplace(client_id, h);
        if (!inserted) {
            previous = it->second;
            it->second = h;
        }
        if (auto w = wills_.find(client_id); w != wills_.end()) {
            will = std::move(w->second);
            wills_.erase(w);
        }
    }
    if (will) asio::post(will->ctx.executor, [will] { will->timer.cancel(); });
    if (!previous) return;
    if (auto conn = previous->conn.lock()) {
        asio::post(conn->executor(), [weak = previous->conn, session = previous->session] {
            if (auto alive = weak.lock()) session->take_over();
        });
    }
}

void session_registry::release(const std::string& client_id, std::uint64_t serial) {
    std::lock_guard lock(mutex_);
    if (auto it = holders_.find(client_id); it != holders_.end() && it->second.serial == serial) holders_.erase(it);
}

void session_registry::schedule_will(engine::facade& engine, engine::operation_context ctx, engine::message will,
                                     std::chrono::seconds delay) {
    const auto client_id = ctx.client_id;
    auto pending = std::make_shared<pending_will>(engine, std::move(ctx), std::move(will));
    {
        std::lock_guard lock(mutex_);
        // 5.0 §3.1.3.2.2: a new connection for the client within the delay
        // means no will; one may have claimed the id already (a takeover).
        if (holders_.contains(client_id)) {
            mqtt_log()->debug("will of MQTT client '{}' not published: the client is connected again", client_id);
            return;
        }
        wills_[client_id] = pending;
    }
    pending->timer.expires_after(delay);
    pending->timer.async_wait([pending, weak = weak_from_this()](const boost::system::error_code& ec) {
        if (auto self = weak.lock()) {
            std::lock_guard lock(self->mutex_);
            if (auto it = self->wills_.find(pending->ctx.client_id); it != self->wills_.end() && it->second == pending)
                self->wills_.erase(it);
        }
        if (ec) {
            mqtt_log()->debug("will of MQTT client '{}' not published: the client reconnected within its delay",
                              pending->ctx.client_id);
            return;
        }
        auto published = [client = pending->ctx.client_id](result<engine::append_receipt> r) {
            if (!r)
                mqtt_log()->warn("could not publish the delayed will of MQTT client '{}': {}", client,
                                 r.error().message());
        };
        if (published_with_retain(pending->msg))
            pending->engine.retained().retain(pending->ctx, std::move(pending->msg), std::move(published));
        else
            pending->engine.append(pending->ctx, std::move(pending->msg), std::move(published));
    });
}

std::size_t session_registry::connected() const {
    std::lock_guard lock(mutex_);
    return holders_.size();
}

} // namespace gantry::protocols::mqtt
