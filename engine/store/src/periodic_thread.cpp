#include "gantry/store/periodic_thread.hpp"

#include <pthread.h>

namespace gantry::store {

periodic_thread::periodic_thread(std::string name, std::chrono::milliseconds interval, std::function<void()> task)
    : name_(std::move(name)), interval_(interval), task_(std::move(task)) {}

periodic_thread::~periodic_thread() { stop(); }

void periodic_thread::start() {
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
    ::pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

void periodic_thread::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void periodic_thread::run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
        lock.unlock();
        task_();
        lock.lock();
    }
}

} // namespace gantry::store
