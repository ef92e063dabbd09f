#pragma once

#include <cstdint>
#include <memory>

#include "gantry/engine/delivery.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "mqtt_session.hpp"

namespace gantry::protocols::mqtt {

// Hands one engine subscription's deliveries to its session. The engine
// calls it on the connection's executor; a locked connection means a live
// session (the connection owns it), so nothing reaches a destroyed one.
class subscription_sink final : public engine::delivery_sink {
public:
    subscription_sink(std::weak_ptr<common::connection> conn, mqtt_session& session, std::uint64_t subscription)
        : conn_(std::move(conn)), session_(session), subscription_(subscription) {}

    void deliver(engine::delivery d) override {
        if (auto alive = conn_.lock()) session_.on_delivery(subscription_, std::move(d));
    }
    void closed(std::error_code reason) override {
        if (auto alive = conn_.lock()) session_.on_subscription_closed(subscription_, reason);
    }

private:
    std::weak_ptr<common::connection> conn_;
    mqtt_session& session_;
    std::uint64_t subscription_;
};

} // namespace gantry::protocols::mqtt
