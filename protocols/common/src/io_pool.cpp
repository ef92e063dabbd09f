#include "gantry/protocols/common/io_pool.hpp"

#include <pthread.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <exception>

#include <fmt/format.h>

#include "gantry/protocols/common/io_load.hpp"
#include "listener_log.hpp"

namespace gantry::protocols::common {

io_pool::io_pool(std::size_t threads, std::string name) : name_(std::move(name)) {
    if (threads == 0) {
        threads = std::max(1u, std::thread::hardware_concurrency());
    }
    for (std::size_t i = 0; i < threads; ++i) {
        // Concurrency hint 1: exactly one thread runs each context.
        contexts_.push_back(std::make_unique<asio::io_context>(1));
    }
}

io_pool::~io_pool() {
    stop();
}

void io_pool::start() {
    assert(threads_.empty() && "io_pool started twice");
    finished_ = 0;
    for (auto& context : contexts_) {
        context->restart();
    }
    for (std::size_t i = 0; i < contexts_.size(); ++i) {
        guards_.emplace_back(contexts_[i]->get_executor());
    }
    for (std::size_t i = 0; i < contexts_.size(); ++i) {
        threads_.emplace_back([this, i] { run(i); });
        asio::use_service<io_load>(*contexts_[i]).measure(threads_.back().native_handle());
    }
}

void io_pool::stop(std::chrono::milliseconds grace) {
    if (threads_.empty()) {
        return;
    }
    for (auto& guard : guards_) {
        guard.reset();
    }
    {
        std::unique_lock lock(finished_mutex_);
        if (!finished_changed_.wait_for(lock, grace, [this] { return finished_ == threads_.size(); })) {
            listener_log()->warn("{} of {} {} threads still busy {} ms after stop was asked; stopping them now",
                                 threads_.size() - finished_, threads_.size(), name_, grace.count());
            for (auto& context : contexts_) {
                context->stop();
            }
        }
    }
    for (auto& thread : threads_) {
        thread.join();
    }
    threads_.clear();
    guards_.clear();
}

asio::io_context& io_pool::next() noexcept {
    return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void io_pool::run(std::size_t index) {
    // Linux thread names are at most 15 characters.
    const auto thread_name = fmt::format("{}-{}", name_, index).substr(0, 15);
    pthread_setname_np(pthread_self(), thread_name.c_str());
    try {
        contexts_[index]->run();
    } catch (const std::exception& error) {
        // A handler threw: a bug, and the state it left is unknown.
        listener_log()->critical("thread {}: unhandled exception: {}; aborting", thread_name, error.what());
        std::abort();
    }
    std::lock_guard lock(finished_mutex_);
    ++finished_;
    finished_changed_.notify_all();
}

} // namespace gantry::protocols::common
