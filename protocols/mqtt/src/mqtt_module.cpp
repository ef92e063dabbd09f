#include "gantry/protocols/mqtt/mqtt_module.hpp"

#include <string>

#include "gantry/protocols/common/client_identity.hpp"
#include "mqtt_session.hpp"
#include "session_registry.hpp"
#include "session_store.hpp"

namespace gantry::protocols::mqtt {

mqtt_module::mqtt_module(engine::facade& engine, mqtt_options options, mqtt_access access,
                         mqtt_session_storage storage)
    : engine_(engine),
      options_(options),
      access_(access),
      registry_(std::make_shared<session_registry>()),
      sessions_(std::make_shared<session_store>(std::move(storage.file), storage.sync)) {}

mqtt_module::~mqtt_module() = default;

std::error_code mqtt_module::restore_sessions(const asio::any_io_executor& executor) {
    if (const auto ec = sessions_->load(common::wall_clock_ms())) return ec;
    // Wills their connections left waiting before the restart: due ones at once.
    for (auto& [client_id, will] : sessions_->delayed_wills()) {
        auto forget = [store = sessions_, client = client_id, due = will.due_ms] { store->will_published(client, due); };
        registry_->schedule_will(engine_, client_id, std::move(will), executor, std::move(forget));
    }
    return {};
}

void mqtt_module::stop() { registry_->stop_wills(); }

common::connection_limits mqtt_default_limits(const mqtt_options& options) {
    auto limits = common::connection_limits::for_frame_size(options.maximum_packet_size);
    limits.key_prefix = "mqtt.";
    return limits;
}

common::connection_limits mqtt_module::default_limits() const { return mqtt_default_limits(options_); }

std::unique_ptr<common::protocol_session> mqtt_module::make_session(common::connection& conn,
                                                                    const common::session_context& context) {
    return std::make_unique<mqtt_session>(conn, context, engine_, options_, access_, registry_, sessions_,
                                          counters_);
}

void mqtt_module::add_runtime_info(std::map<std::string, std::string>& table) const {
    table["mqtt.qos0Dropped"] = std::to_string(dropped_qos0());
    table["mqtt.offlineSkipped"] = std::to_string(offline_skipped());
}

} // namespace gantry::protocols::mqtt
