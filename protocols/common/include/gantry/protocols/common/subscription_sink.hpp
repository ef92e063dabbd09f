#pragma once

#include <cstdint>
#include <memory>
#include <system_error>

#include "gantry/engine/delivery.hpp"
#include "gantry/protocols/common/connection.hpp"

namespace gantry::protocols::common {

// Hands one engine subscription's deliveries to the session that made it,
// by the session's own number for the subscription. The engine calls it on
// the session's executor; a locked `Owner` (the connection that owns the
// session, or a bridge itself) means a live session, so nothing reaches a
// destroyed one. `Session` has on_delivery(std::uint64_t, engine::delivery&&)
// and on_subscription_closed(std::uint64_t, std::error_code).
template <typename Session, typename Owner = connection>
class subscription_sink final : public engine::delivery_sink {
public:
    subscription_sink(std::weak_ptr<Owner> owner, Session& session, std::uint64_t subscription)
        : owner_(std::move(owner)), session_(session), subscription_(subscription) {}

    void deliver(engine::delivery&& d) override {
        if (auto alive = owner_.lock()) session_.on_delivery(subscription_, std::move(d));
    }
    void closed(std::error_code reason) override {
        if (auto alive = owner_.lock()) session_.on_subscription_closed(subscription_, reason);
    }

private:
    std::weak_ptr<Owner> owner_;
    Session& session_;
    std::uint64_t subscription_;
};

} // namespace gantry::protocols::common
