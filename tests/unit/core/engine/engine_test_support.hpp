#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "gantry/core/core_engine.hpp"
#include "../../store/store_test_support.hpp"

namespace gantry::core::testing {

using store::testing::temp_dir;

// Collects what the engine delivers; settles nothing by itself.
class recording_sink final : public engine::delivery_sink {
public:
    void deliver(engine::delivery&& d) override {
        std::lock_guard lock(mutex_);
        deliveries_.push_back(std::move(d));
        changed_.notify_all();
    }
    void closed(std::error_code reason) override {
        std::lock_guard lock(mutex_);
        closed_ = true;
        close_reason_ = reason;
        changed_.notify_all();
    }
    // Waits (bounded) until at least n deliveries arrived.
    bool wait_for(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, limit, [&] { return deliveries_.size() >= n; });
    }
    std::vector<engine::delivery> deliveries() {
        std::lock_guard lock(mutex_);
        return deliveries_;
    }
    std::size_t count() {
        std::lock_guard lock(mutex_);
        return deliveries_.size();
    }
    bool was_closed() {
        std::lock_guard lock(mutex_);
        return closed_;
    }
    // Waits (bounded) for closed(); its reason, or nothing when it did not come.
    std::optional<std::error_code> wait_closed(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        if (!changed_.wait_for(lock, limit, [&] { return closed_; })) return std::nullopt;
        return close_reason_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<engine::delivery> deliveries_;
    bool closed_ = false;
    std::error_code close_reason_;
};

// A store and an engine over a temporary directory, with an io_context
// thread standing in for a connection's executor.
class engine_fixture : public ::testing::Test {
protected:
    void SetUp() override {
        store_config_.delay_levels.assign(18, std::chrono::milliseconds(20));
        core_config_.root_dir = store_config_.root_dir;
        core_config_.revive_interval = std::chrono::milliseconds(20);
        io_thread_ = std::thread([this] { io_.run(); });
        open();
    }
    void TearDown() override {
        close();
        work_.reset();
        io_thread_.join();
    }

    void open() {
        store_ = std::make_unique<store::message_store>(store_config_);
        engine_ = std::make_unique<core_engine>(*store_, core_config_);
        ASSERT_FALSE(store_->start());
        ASSERT_FALSE(engine_->start());
    }
    // The engine stops first, then the store (whose dispatcher calls into
    // the engine), and only then are both destroyed.
    void close() {
        if (engine_) engine_->stop();
        if (store_) store_->shutdown();
        engine_.reset();
        store_.reset();
    }

    engine::operation_context ctx(std::string client = "client-1") {
        return {"", std::move(client), io_.get_executor()};
    }

    // Appends and waits for the receipt.
    engine::append_receipt append(engine::message m, std::string client = "client-1") {
        std::promise<result<engine::append_receipt>> p;
        engine_->append(ctx(std::move(client)), std::move(m), [&](result<engine::append_receipt> r) { p.set_value(r); });
        auto r = p.get_future().get();
        EXPECT_TRUE(r) << r.error().message();
        return r ? *r : engine::append_receipt{};
    }
    engine::append_receipt append(const std::string& topic, const std::string& body, std::string tag = {}) {
        engine::message m;
        m.topic = topic;
        m.body = body;
        m.tag = std::move(tag);
        return append(std::move(m));
    }

    engine::subscription_id subscribe(engine::subscription_options o, const std::shared_ptr<recording_sink>& sink,
                                      std::string client = "client-1") {
        auto id = engine_->subscribe(ctx(std::move(client)), std::move(o), sink);
        EXPECT_TRUE(id) << id.error().message();
        return id ? *id : engine::subscription_id{};
    }

    temp_dir dir_;
    store::store_config store_config_ = store::testing::small_config(dir_.path());
    core_config core_config_;
    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
        boost::asio::make_work_guard(io_)};
    std::thread io_thread_;
    std::unique_ptr<store::message_store> store_;
    std::unique_ptr<core_engine> engine_;
};

} // namespace gantry::core::testing
