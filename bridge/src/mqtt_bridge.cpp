#include "gantry/bridge/mqtt_bridge.hpp"

#include "mqtt_bridge_session.hpp"

namespace gantry::bridge {

mqtt_bridge::mqtt_bridge(asio::any_io_executor executor, engine::facade& engine, mqtt_bridge_config config)
    : session_(std::make_shared<mqtt_bridge_session>(executor, engine, std::move(config))) {}

mqtt_bridge::~mqtt_bridge() = default;

void mqtt_bridge::start() { session_->start(); }

void mqtt_bridge::stop() { session_->stop(); }

bridge_status mqtt_bridge::status() const { return session_->status(); }

} // namespace gantry::bridge
