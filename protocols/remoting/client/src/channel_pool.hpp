#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "channel.hpp"

namespace gantry::protocols::remoting::client {

// One channel per address, connected on first use and again after it
// closed; callers that ask while a connection is being made wait for it.
// Lives on the runtime's executor.
class channel_pool {
public:
    channel_pool(asio::any_io_executor executor, std::chrono::milliseconds connect_timeout,
                 channel::request_listener listener);

    void get(const std::string& address, channel::connect_handler done);
    void close_all();

private:
    struct entry {
        std::shared_ptr<channel> open;
        std::vector<channel::connect_handler> waiting; // non-empty while connecting
    };

    asio::any_io_executor executor_;
    std::chrono::milliseconds connect_timeout_;
    channel::request_listener listener_;
    std::map<std::string, entry, std::less<>> entries_;
};

} // namespace gantry::protocols::remoting::client
