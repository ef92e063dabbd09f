#include "gantry/protocols/common/publisher_placement.hpp"

#include "gantry/protocols/common/io_load.hpp"

namespace gantry::protocols::common {

asio::io_context* publisher_placement::after_publish(const engine::facade& engine, const std::string& topic,
                                                     const connection& conn, double max_busy,
                                                     std::chrono::steady_clock::time_point now) {
    if (now < next_look_) return nullptr;
    next_look_ = now + io_load::fresh;
    const auto readers = engine.readers_executor(topic);
    if (!readers || *readers == conn.executor()) return nullptr;
    auto* target = io_context_of(*readers);
    auto* load = io_load::of(*readers);
    if (!target || !load) return nullptr;
    const auto busy = load->busy_fraction(now);
    if (!busy) {
        next_look_ = now + io_load::shortest; // it has an answer then
        return nullptr;
    }
    return *busy < max_busy ? target : nullptr;
}

} // namespace gantry::protocols::common
