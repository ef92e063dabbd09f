#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "gantry/core/core_engine.hpp"
#include "gantry/protocols/common/io_pool.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/protocols/common/tcp_listener.hpp"
#include "gantry/store/message_store.hpp"
#include "../../store/store_test_support.hpp"

namespace gantry::protocols::common::testing {

// A real store and engine on a temporary directory, and a protocol module's
// listener on 127.0.0.1 with one accept thread and two io threads. A derived
// fixture makes its module (after SetUp) and serves it.
class engine_listener_fixture : public ::testing::Test {
protected:
    void SetUp() override {
        core_config_.root_dir = store_config_.root_dir;
        store_ = std::make_unique<store::message_store>(store_config_);
        engine_ = std::make_unique<core::core_engine>(*store_, core_config_);
        ASSERT_FALSE(store_->start());
        ASSERT_FALSE(engine_->start());
        accept_pool_.start();
        pool_.start();
    }

    void TearDown() override {
        if (listener_) listener_->stop();
        listener_.reset();
        pool_.stop(std::chrono::seconds(2));
        accept_pool_.stop(std::chrono::seconds(2));
        if (engine_) engine_->stop();
        if (store_) store_->shutdown();
        engine_.reset();
        store_.reset();
    }

    // Listens for `module` on an ephemeral port of 127.0.0.1.
    void serve(std::shared_ptr<protocol_module> module, connection_limits limits) {
        listener_ = std::make_unique<tcp_listener>(accept_pool_.at(0), pool_, std::move(module),
                                                   listener_config{"127.0.0.1", 0, std::move(limits), nullptr, {}});
        const auto error = listener_->start();
        ASSERT_FALSE(error) << error->message;
    }

    store::testing::temp_dir dir_;
    store::store_config store_config_ = store::testing::small_config(dir_.path());
    core::core_config core_config_;
    io_pool accept_pool_{1, "accept"};
    io_pool pool_{2, "io"};
    std::unique_ptr<store::message_store> store_;
    std::unique_ptr<core::core_engine> engine_;
    std::unique_ptr<tcp_listener> listener_;
};

} // namespace gantry::protocols::common::testing
