#include "gantry/bridge/bridge.hpp"

#include "amqp_bridge_session.hpp"
#include "mqtt_bridge_session.hpp"

namespace gantry::bridge {

namespace {

std::shared_ptr<bridge_session> make_session(asio::any_io_executor executor, engine::facade& engine,
                                             bridge_config config) {
    return std::visit(
        [&](auto& c) -> std::shared_ptr<bridge_session> {
            if constexpr (std::is_same_v<std::decay_t<decltype(c)>, mqtt_bridge_config>)
                return std::make_shared<mqtt_bridge_session>(executor, engine, std::move(c));
            else return std::make_shared<amqp_bridge_session>(executor, engine, std::move(c));
        },
        config);
}

} // namespace

bridge::bridge(asio::any_io_executor executor, engine::facade& engine, bridge_config config)
    : session_(make_session(executor, engine, std::move(config))) {}

bridge::~bridge() = default;

void bridge::start() { session_->start(); }

void bridge::stop() { session_->stop(); }

bridge_status bridge::status() const { return session_->status(); }

} // namespace gantry::bridge
