#pragma once

// The MQTT session over loopback with a real store and engine: a blocking
// client speaking through Gantry's own codec, and the fixture serving it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/mqtt/mqtt_codec.hpp"
#include "gantry/protocols/mqtt/mqtt_module.hpp"
#include "gantry/security/acl.hpp"
#include "../../../support/loopback_stream.hpp"
#include "../../common/engine_listener_fixture.hpp"
#include "../mqtt_test_support.hpp"

namespace gantry::protocols::mqtt::test {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// A blocking MQTT client speaking through Gantry's own codec; every wait
// has a deadline.
class mqtt_client {
public:
    mqtt_client(std::uint16_t port, protocol_version version) : stream_(port), version_(version) {
        EXPECT_TRUE(stream_.connected());
    }

    bool send(const mqtt_packet& packet) {
        auto frame = mqtt_codec::encode(packet, version_);
        EXPECT_TRUE(frame) << frame.error().message();
        return frame && stream_.write(*frame);
    }

    std::optional<mqtt_packet> receive(std::chrono::milliseconds timeout = 5s) {
        const auto deadline = clock_type::now() + timeout;
        for (;;) {
            auto decoded = codec_.decode(stream_.buffered(), version_);
            if (decoded.status == decode_status::complete) {
                stream_.take(decoded.consumed);
                return std::move(decoded.packet);
            }
            if (decoded.status == decode_status::error) {
                ADD_FAILURE() << "undecodable input: " << decoded.diagnostic.message;
                return std::nullopt;
            }
            if (stream_.read_before(deadline) != testing::loopback_stream::read_outcome::progress)
                return std::nullopt;
        }
    }

    template <typename P>
    P expect(std::chrono::milliseconds timeout = 5s) {
        auto p = receive(timeout);
        if (!p || !std::holds_alternative<P>(*p)) {
            ADD_FAILURE() << "expected packet type " << static_cast<int>(type_of(mqtt_packet(P{}))) << ", got "
                          << (p ? static_cast<int>(type_of(*p)) : -1);
            return P{};
        }
        return std::get<P>(std::move(*p));
    }

    connack_packet connect(const std::string& client_id, connect_packet c = {}) {
        c.client_id = client_id;
        send(c);
        return expect<connack_packet>();
    }

    suback_packet subscribe(std::uint16_t id, const std::string& filter, std::uint8_t qos,
                            std::optional<std::uint32_t> identifier = std::nullopt) {
        subscribe_packet s;
        s.packet_id = id;
        s.subscriptions.push_back({filter, qos});
        if (identifier) s.properties.subscription_identifiers.push_back(*identifier);
        send(s);
        return expect<suback_packet>();
    }

    bool closed_within(std::chrono::milliseconds timeout) { return stream_.closed_before(clock_type::now() + timeout); }

    void cut() { stream_.cut(); }

private:
    testing::loopback_stream stream_;
    protocol_version version_;
    mqtt_codec codec_;
};

// Whether a Reason String was sent and holds `text`.
inline bool says(const std::optional<std::string>& reason, std::string_view text) {
    return reason && reason->find(text) != std::string::npos;
}

// A real store and engine on a temporary directory behind an MQTT listener
// on 127.0.0.1 with two io threads.
class MqttSessionTest : public common::testing::engine_listener_fixture {
protected:
    // As gantryd stops: the module hears first, then the engine goes.
    void TearDown() override {
        if (module_) module_->stop();
        engine_listener_fixture::TearDown();
    }

    // `output_budget`: the listener's outputBudgetBytes (0: the default);
    // the persistent sessions `storage` holds are read first.
    void listen(mqtt_options options = {}, std::size_t output_budget = 0, mqtt_access access = {},
                mqtt_session_storage storage = {}) {
        module_ = std::make_shared<mqtt_module>(engine_in_front_ ? *engine_in_front_ : *engine_, options, access,
                                                std::move(storage));
        const auto restored = module_->restore_sessions(pool_.at(0).get_executor());
        ASSERT_FALSE(restored) << restored.message();
        auto limits = module_->default_limits();
        if (output_budget > 0) limits.output_budget_bytes = output_budget;
        serve(module_, std::move(limits));
    }

    // A 5.0 CONNECT whose session outlives the connection (by 60 s).
    static connect_packet keeping_session() {
        connect_packet kept;
        kept.clean_start = false;
        kept.properties.session_expiry_interval = 60;
        return kept;
    }

    std::unique_ptr<mqtt_client> client(protocol_version version = protocol_version::v5) {
        return std::make_unique<mqtt_client>(listener_->port(), version);
    }

    std::int64_t stored(const std::string& topic) {
        const auto info = engine_->find_topic(topic);
        if (!info) return 0;
        std::int64_t total = 0;
        for (std::int32_t q = 0; q < info->read_queue_nums; ++q)
            if (auto state = engine_->query_queue(topic, q)) total += state->max_offset;
        return total;
    }

    // `rules` in aclFile syntax, as the access listen() hands the module.
    mqtt_access with_acl(std::string_view rules) {
        const auto file = dir_.path() / "acl";
        std::ofstream(file) << rules;
        const auto error = acl_.load(file);
        EXPECT_FALSE(error) << error->message;
        return {nullptr, &acl_};
    }

    security::acl acl_; // outlives the module, which points at it
    // What listen() gives the module instead of the engine itself (a test's
    // forwarding_facade in front of it).
    engine::facade* engine_in_front_ = nullptr;
    std::shared_ptr<mqtt_module> module_;
};

} // namespace gantry::protocols::mqtt::test
