#include "bridge_session.hpp"

#include <algorithm>
#include <future>

#include "bridge_log.hpp"
#include "gantry/protocols/common/subscription_sink.hpp"
#include "gantry/protocols/naming/topic_names.hpp"

namespace gantry::bridge {

namespace {

// A message the remote has not answered for this long is given to the
// group again (a remote that accepted it but lost it): long, since the
// remote's own redelivery covers shorter gaps.
constexpr auto remote_answer_timeout = std::chrono::hours(1);

std::vector<bridge_session::sending_source> kept_while_away(std::vector<bridge_session::sending_source> sources) {
    for (auto& source : sources) {
        source.options.durable = true;
        source.options.ack_timeout = remote_answer_timeout;
    }
    return sources;
}

} // namespace

bridge_session::bridge_session(asio::any_io_executor executor, engine::facade& engine, settings s,
                               std::vector<sending_source> sources)
    : engine_(engine),
      executor_(executor),
      settings_(std::move(s)),
      sources_(kept_while_away(std::move(sources))),
      reconnect_timer_(executor),
      report_timer_(executor) {
    status_.name = settings_.name;
    status_.type = settings_.type;
}

void bridge_session::start() {
    asio::post(executor_, [self = shared_from_this()] {
        self->running_ = true;
        self->pin_groups();
        self->connect();
        self->report_periodically();
    });
}

void bridge_session::stop() {
    std::promise<void> stopped;
    asio::post(executor_, [self = shared_from_this(), &stopped] {
        self->running_ = false;
        self->reconnect_timer_.cancel();
        self->report_timer_.cancel();
        self->close_link();
        self->link_down("the broker is stopping");
        stopped.set_value();
    });
    stopped.get_future().wait();
}

bridge_status bridge_session::status() const {
    bridge_status status;
    {
        std::lock_guard lock(status_mutex_);
        status = status_;
    }
    status.messages_out = traffic_.messages_out;
    status.bytes_out = traffic_.bytes_out;
    status.messages_in = traffic_.messages_in;
    status.bytes_in = traffic_.bytes_in;
    status.dropped = traffic_.dropped;
    for (const auto& source : sources_) {
        const auto topic = engine_.find_topic(source.options.topic);
        if (!topic) continue; // nothing published there yet
        for (std::int32_t q = 0; q < topic->read_queue_nums; ++q) {
            const auto queue = engine_.query_queue(topic->name, q);
            if (!queue) continue;
            const auto done =
                engine_.committed_offset(source.options.group, topic->name, q).value_or(queue->max_offset);
            status.backlog += std::max<std::int64_t>(0, queue->max_offset - done);
        }
    }
    return status;
}

void bridge_session::connect() {
    if (!running_) return;
    const auto& address = settings_.addresses[next_address_ % settings_.addresses.size()];
    ++next_address_;
    update_status([&](bridge_status& s) { s.remote = address; });
    bridge_log()->debug("bridge '{}' connecting to {} as '{}'", settings_.name, address, settings_.client_id);
    open_link(address);
}

void bridge_session::link_up(const std::string& description) {
    connected_ = true;
    failures_ = 0;
    std::string remote;
    update_status([&](bridge_status& s) {
        s.connected = true;
        s.last_error.clear();
        remote = s.remote;
    });
    bridge_log()->info("bridge '{}' connected to {} ({})", settings_.name, remote, description);
}

void bridge_session::link_down(std::string why) {
    const bool was_connected = connected_;
    connected_ = false;
    forget_link();
    close_outbound();
    update_status([&](bridge_status& s) {
        s.connected = false;
        s.last_error = why;
    });
    if (!running_) {
        if (was_connected) bridge_log()->info("bridge '{}' disconnected: {}", settings_.name, why);
        return;
    }
    if (was_connected)
        bridge_log()->warn("bridge '{}' lost its connection: {}; messages wait in the log", settings_.name, why);
    else bridge_log()->warn("bridge '{}': {}", settings_.name, why);
    schedule_reconnect();
}

void bridge_session::open_outbound(int credit) {
    for (const auto& source : sources_) {
        auto id = engine_.subscribe(
            context(), source.options,
            std::make_shared<protocols::common::subscription_sink<bridge_session, bridge_session>>(
                weak_from_this(), *this, source.rule));
        if (!id) {
            bridge_log()->error("bridge '{}' cannot read local '{}': {}; nothing of it is sent", settings_.name,
                                source.local_name, id.error().message());
            continue;
        }
        sending_[source.rule] = {*id, 0};
        engine_.grant_credit(*id, credit);
    }
}

void bridge_session::pin_groups() {
    // A new bridge's groups start now, not at its first connection: what is
    // published while the remote is still unreachable waits.
    for (auto& source : sources_) {
        if (const auto ec = engine_.pin_group(source.options)) {
            bridge_log()->error("bridge '{}' cannot keep local '{}' for the remote: {}; it is read only once the "
                                "link is up",
                                settings_.name, source.local_name, ec.message());
            continue;
        }
        // Pinned in every topic there is: one it has no place in is newer, all its own.
        if (source.options.every_topic) source.options.start = engine::start_position::earliest();
    }
}

void bridge_session::close_outbound() {
    for (const auto& [rule, s] : sending_) engine_.unsubscribe(s.id);
    sending_.clear();
}

void bridge_session::on_delivery(std::uint64_t rule, engine::delivery&& d) {
    if (!connected_ || !sending_.contains(rule)) return; // given back when its subscription closed
    // Not back to where it came from (and not in a loop through this bridge).
    const auto hop = std::ranges::find(d.msg.properties, protocols::naming::bridge_hop_property,
                                       &std::pair<std::string, std::string>::first);
    if (hop != d.msg.properties.end() && hop->second == settings_.name) {
        settle(rule, d.handle, engine::outcome::accepted);
        return return_credit();
    }
    send_local(rule, std::move(d));
}

void bridge_session::on_subscription_closed(std::uint64_t rule, std::error_code reason) {
    if (!reason) return; // our own unsubscribe
    const auto source = std::ranges::find(sources_, rule, &sending_source::rule);
    bridge_log()->error("bridge '{}': the broker ended the reading of '{}': {}", settings_.name,
                        source == sources_.end() ? "?" : source->local_name, reason.message());
    sending_.erase(rule);
}

void bridge_session::settle(std::uint64_t rule, const engine::delivery_handle& handle, engine::outcome outcome) {
    const auto it = sending_.find(rule);
    if (it == sending_.end()) return; // its subscription closed: the engine took it back
    engine_.settle(it->second.id, handle, outcome);
    ++it->second.credit_to_return;
}

void bridge_session::return_credit() {
    for (auto& [rule, s] : sending_) {
        if (s.credit_to_return <= 0) continue;
        engine_.grant_credit(s.id, s.credit_to_return);
        s.credit_to_return = 0;
    }
}

void bridge_session::report_periodically() {
    report_timer_.expires_after(std::chrono::minutes(1));
    report_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        const auto self = weak.lock();
        if (ec || !self || !self->running_) return;
        const auto s = self->status();
        const auto traffic = s.messages_out + s.messages_in + s.dropped + static_cast<std::uint64_t>(s.backlog);
        if (traffic != self->reported_traffic_) {
            self->reported_traffic_ = traffic;
            bridge_log()->info("bridge '{}': {} {}; out {} messages ({} bytes), in {} ({} bytes), backlog {}, "
                               "dropped {}{}{}",
                               s.name, s.connected ? "connected to" : "disconnected from", s.remote, s.messages_out,
                               s.bytes_out, s.messages_in, s.bytes_in, s.backlog, s.dropped,
                               s.connected || s.last_error.empty() ? "" : "; last error: ",
                               s.connected ? "" : s.last_error);
        }
        self->report_periodically();
    });
}

std::chrono::milliseconds bridge_session::next_backoff() {
    const auto& b = settings_.reconnect;
    auto delay = b.minimum;
    for (int i = 0; i < failures_ && delay < b.maximum; ++i) delay *= 2;
    delay = std::min(delay, b.maximum);
    ++failures_;
    if (b.jitter_percent > 0) {
        std::uniform_int_distribution<std::int64_t> cut(0, delay.count() * b.jitter_percent / 100);
        delay -= std::chrono::milliseconds(cut(random_));
    }
    return delay;
}

void bridge_session::schedule_reconnect() {
    const auto delay = next_backoff();
    bridge_log()->debug("bridge '{}' tries again in {} ms", settings_.name, delay.count());
    reconnect_timer_.expires_after(delay);
    reconnect_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (auto self = weak.lock(); self && !ec) self->connect();
    });
}

} // namespace gantry::bridge
