#include "channel_pool.hpp"

#include "client_log.hpp"

namespace gantry::protocols::remoting::client {

channel_pool::channel_pool(asio::any_io_executor executor, std::chrono::milliseconds connect_timeout,
                           channel::request_listener listener)
    : executor_(std::move(executor)), connect_timeout_(connect_timeout), listener_(std::move(listener)) {}

void channel_pool::get(const std::string& address, channel::connect_handler done) {
    auto& e = entries_[address];
    if (e.open && e.open->is_open()) return done(e.open);
    e.open.reset();
    e.waiting.push_back(std::move(done));
    if (e.waiting.size() > 1) return;
    channel::connect(executor_, address, connect_timeout_, listener_,
                     [this, address](result<std::shared_ptr<channel>> made) {
        auto& connected = entries_[address];
        if (made) {
            connected.open = *made;
        } else {
            client_log()->warn("cannot connect to {}: {}; is the broker or name server running there?", address,
                               made.error().message());
        }
        auto waiting = std::move(connected.waiting);
        connected.waiting.clear();
        for (auto& w : waiting) w(made);
    });
}

void channel_pool::close_all() {
    for (auto& [address, e] : entries_) {
        if (e.open) e.open->close();
    }
    entries_.clear();
}

} // namespace gantry::protocols::remoting::client
