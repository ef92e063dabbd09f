#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace gantry::store {

// Runs a task every `interval` on its own thread until stopped; stop()
// wakes it at once and joins.
class periodic_thread {
public:
    periodic_thread(std::string name, std::chrono::milliseconds interval, std::function<void()> task);
    ~periodic_thread();

    void start();
    void stop();

private:
    void run();

    std::string name_;
    std::chrono::milliseconds interval_;
    std::function<void()> task_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace gantry::store
