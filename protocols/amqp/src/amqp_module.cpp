#include "gantry/protocols/amqp/amqp_module.hpp"

#include "amqp_session.hpp"

namespace gantry::protocols::amqp {

amqp_module::amqp_module(engine::facade& engine, amqp_options options, security::access_control access)
    : engine_(engine), options_(options), access_(access) {}

amqp_module::~amqp_module() = default;

common::connection_limits amqp_default_limits() {
    // The largest AMQP frame the broker accepts (announced in OPEN); a
    // larger message spans several transfer frames.
    auto limits = common::connection_limits::for_frame_size(64 * 1024);
    limits.key_prefix = "amqp.";
    limits.idle_timeout = std::chrono::seconds(60);
    return limits;
}

std::unique_ptr<common::protocol_session> amqp_module::make_session(common::connection& conn,
                                                                    const common::session_context& context) {
    return std::make_unique<amqp_session>(conn, context, engine_, options_, access_);
}

} // namespace gantry::protocols::amqp
