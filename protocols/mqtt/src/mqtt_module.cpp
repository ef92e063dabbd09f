#include "gantry/protocols/mqtt/mqtt_module.hpp"

#include <string>

#include "gantry/protocols/common/client_identity.hpp"
#include "mqtt_session.hpp"
#include "session_registry.hpp"
#include "session_store.hpp"

namespace gantry::protocols::mqtt {

mqtt_module::mqtt_module(engine::facade& engine, mqtt_options options, mqtt_access access,
                         std::filesystem::path session_file)
    : engine_(engine),
      options_(options),
      access_(access),
      registry_(std::make_shared<session_registry>()),
      sessions_(std::make_shared<session_store>(std::move(session_file))) {}

mqtt_module::~mqtt_module() = default;

std::error_code mqtt_module::restore_sessions() { return sessions_->load(common::wall_clock_ms()); }

common::connection_limits mqtt_default_limits(const mqtt_options& options) {
    auto limits = common::connection_limits::for_frame_size(options.maximum_packet_size);
    limits.key_prefix = "mqtt.";
    return limits;
}

common::connection_limits mqtt_module::default_limits() const { return mqtt_default_limits(options_); }

std::unique_ptr<common::protocol_session> mqtt_module::make_session(common::connection& conn,
                                                                    const common::session_context& context) {
    return std::make_unique<mqtt_session>(conn, context, engine_, options_, access_, registry_, sessions_,
                                          dropped_qos0_);
}

void mqtt_module::add_runtime_info(std::map<std::string, std::string>& table) const {
    table["mqtt.qos0Dropped"] = std::to_string(dropped_qos0());
}

} // namespace gantry::protocols::mqtt
