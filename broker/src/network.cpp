#include "network.hpp"

#include "gantry/broker/startup_error.hpp"

namespace gantry::broker {

network::network(std::size_t io_threads) : pool_(io_threads, "io") { pool_.start(); }

network::~network() { stop(); }

void network::listen(std::shared_ptr<protocols::common::protocol_module> module,
                     protocols::common::listener_config config) {
    auto listener = std::make_unique<protocols::common::tcp_listener>(pool_.at(0), pool_, std::move(module),
                                                                      std::move(config));
    if (auto error = listener->start()) throw startup_error(error->message);
    listeners_.push_back(std::move(listener));
}

std::vector<std::string> network::listen_websocket(std::vector<protocols::websocket::websocket_route> routes,
                                                   protocols::websocket::websocket_listener_config config) {
    auto listener = std::make_unique<protocols::websocket::websocket_listener>(pool_.at(0), pool_, std::move(routes),
                                                                               std::move(config));
    if (auto error = listener->start()) throw startup_error(error->message);
    auto subprotocols = listener->subprotocols();
    websockets_.push_back(std::move(listener));
    return subprotocols;
}

void network::stop() {
    if (!running_) return;
    running_ = false;
    for (auto& listener : listeners_) listener->stop();
    for (auto& listener : websockets_) listener->stop();
    pool_.stop();
    listeners_.clear();
    websockets_.clear();
}

} // namespace gantry::broker
