#include "gantry/namesrv/namesrv_module.hpp"

#include <algorithm>

#include "gantry/protocols/remoting/remoting_codec.hpp"
#include "namesrv_session.hpp"

namespace gantry::namesrv {

protocols::common::connection_limits namesrv_module::default_limits() const {
    auto limits = protocols::common::connection_limits::for_frame_size(protocols::remoting::default_max_frame_size);
    limits.key_prefix = "namesrv.";
    return limits;
}

std::unique_ptr<protocols::common::protocol_session> namesrv_module::make_session(
    protocols::common::connection& conn, const protocols::common::session_context& context) {
    // A listener's configuration may lower the frame limit below the codec's.
    const protocols::remoting::remoting_codec codec(
        std::min(context.limits.max_frame_size, protocols::remoting::default_max_frame_size));
    return std::make_unique<namesrv_session>(conn, context, codec, server_);
}

} // namespace gantry::namesrv
