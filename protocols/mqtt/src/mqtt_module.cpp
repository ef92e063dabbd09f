#include "gantry/protocols/mqtt/mqtt_module.hpp"

#include <string>

#include "gantry/engine/wall_clock.hpp"
#include "module_state.hpp"
#include "mqtt_session.hpp"
#include "session_registry.hpp"
#include "session_store.hpp"

namespace gantry::protocols::mqtt {

mqtt_module::mqtt_module(engine::facade& engine, mqtt_options options, mqtt_access access,
                         mqtt_session_storage storage)
    : state_(std::make_unique<module_state>(engine, std::move(options), std::move(access),
                                           std::make_shared<session_registry>(),
                                           std::make_shared<session_store>(std::move(storage.file), storage.sync))) {
    state_->sessions->check_redelivery_with(
        [&engine = state_->engine](const std::string& client_id, const stored_session& session,
                                   const delivery_place& place) {
            return mqtt_session::may_redeliver(engine, client_id, session, place);
        });
}

mqtt_module::~mqtt_module() = default;

std::error_code mqtt_module::restore_sessions(const asio::any_io_executor& executor) {
    auto& sessions = state_->sessions;
    if (const auto ec = sessions->load(engine::wall_clock_ms())) return ec;
    sessions->visit([&](const std::string& client_id, const stored_session& session) {
        for (const auto& [place, id] : session.unacked)
            if (mqtt_session::owned_place(session, place)) state_->owned_at_start.emplace(place, client_id);
        for (const auto& place : session.qos2_delivered)
            if (mqtt_session::owned_place(session, place)) state_->owned_at_start.emplace(place, client_id);
    });
    // Wills their connections left waiting before the restart: due ones at once.
    for (auto& [client_id, will] : sessions->delayed_wills()) {
        auto forget = [store = sessions, client = client_id, due = will.due_ms] { store->will_published(client, due); };
        state_->registry->schedule_will(state_->engine, client_id, std::move(will), executor, std::move(forget));
    }
    return {};
}

void mqtt_module::stop() {
    state_->registry->stop_wills();
    // The engine may go before the session store: its last compactions keep
    // every place rather than ask an engine that is gone.
    state_->sessions->check_redelivery_with(nullptr);
}

const mqtt_options& mqtt_module::options() const noexcept { return state_->options; }

std::uint64_t mqtt_module::dropped_qos0() const noexcept {
    return state_->counters.qos0_dropped.load(std::memory_order_relaxed);
}

std::uint64_t mqtt_module::offline_skipped() const noexcept {
    return state_->counters.offline_skipped.load(std::memory_order_relaxed);
}

common::connection_limits mqtt_default_limits(const mqtt_options& options) {
    auto limits = common::connection_limits::for_frame_size(options.maximum_packet_size);
    limits.key_prefix = "mqtt.";
    return limits;
}

common::connection_limits mqtt_module::default_limits() const { return mqtt_default_limits(state_->options); }

std::unique_ptr<common::protocol_session> mqtt_module::make_session(common::connection& conn,
                                                                    const common::session_context& context) {
    return std::make_unique<mqtt_session>(conn, context, *state_);
}

void mqtt_module::add_runtime_info(std::map<std::string, std::string>& table) const {
    table["mqtt.qos0Dropped"] = std::to_string(dropped_qos0());
    table["mqtt.offlineSkipped"] = std::to_string(offline_skipped());
}

} // namespace gantry::protocols::mqtt
