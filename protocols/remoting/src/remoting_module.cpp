#include "gantry/protocols/remoting/remoting_module.hpp"

#include <algorithm>

#include "consumer_registry.hpp"
#include "handler_registry.hpp"
#include "queue_lock_table.hpp"
#include "remoting_session.hpp"

namespace gantry::protocols::remoting {

remoting_module::remoting_module(engine::facade& engine, broker_identity identity,
                                 std::optional<name_server_access> name_servers, runtime_info_source runtime_info)
    : engine_(engine), identity_(std::move(identity)), consumers_(std::make_unique<consumer_registry>()),
      queue_locks_(std::make_unique<queue_lock_table>()), name_servers_(std::move(name_servers)),
      runtime_info_(std::move(runtime_info)) {}

remoting_module::~remoting_module() = default;

common::connection_limits remoting_default_limits() {
    auto limits = common::connection_limits::for_frame_size(default_max_frame_size);
    limits.key_prefix = "remoting.";
    return limits;
}

common::connection_limits remoting_module::default_limits() const { return remoting_default_limits(); }

std::unique_ptr<common::protocol_session> remoting_module::make_session(common::connection& conn,
                                                                        const common::session_context& context) {
    // A listener's configuration may lower the frame limit below the codec's.
    const remoting_codec codec(std::min(context.limits.max_frame_size, default_max_frame_size));
    return std::make_unique<remoting_session>(conn, context, codec, engine_, identity_, *consumers_,
                                              *queue_locks_, handler_registry::standard(),
                                              name_servers_ ? &*name_servers_ : nullptr, runtime_info_);
}

} // namespace gantry::protocols::remoting
