#include "gantry/protocols/stomp/stomp_module.hpp"

#include "stomp_session.hpp"

namespace gantry::protocols::stomp {

stomp_module::stomp_module(engine::facade& engine, stomp_options options, security::access_control access)
    : engine_(engine), options_(options), access_(access) {}

stomp_module::~stomp_module() = default;

common::connection_limits stomp_default_limits() {
    auto limits = common::connection_limits::for_frame_size(stomp_limits{}.max_frame_size);
    limits.key_prefix = "stomp.";
    return limits;
}

std::unique_ptr<common::protocol_session> stomp_module::make_session(common::connection& conn,
                                                                     const common::session_context& context) {
    return std::make_unique<stomp_session>(conn, context, engine_, options_, access_);
}

} // namespace gantry::protocols::stomp
