#include <string>
#include <system_error>

#include "../remoting_log.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "gantry/protocols/remoting/subscription_group_body.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), as 4.9.x's
// AdminBrokerProcessor: the body is a SubscriptionGroupConfig, which
// replaces the group's stored settings (created when it had none) and is
// saved in config/subscriptionGroup.json; SUCCESS without a remark. Unlike
// 4.9.x, which stores whatever it is given, a body that is not such JSON or
// names no group, an invalid group name and negative counts are refused
// (SYSTEM_ERROR saying which), since Gantry acts on the settings.
void update_and_create_subscriptiongroup(request_context ctx) {
    const auto config = parse_subscription_group_config(ctx.request().body);
    if (!config)
        return ctx.fail(response_code::system_error,
                        "the body is not a SubscriptionGroupConfig with a groupName (JSON such as "
                        "{\"groupName\":\"g\",\"retryMaxTimes\":3}); send it as mqadmin updateSubGroup or gantry "
                        "group update does");
    const auto& group = config->group_name;
    const auto error = ctx.engine().group_configs().put_group_config(*config);
    if (error == core::core_errc::invalid_group_name || error == core::core_errc::invalid_group_config)
        return ctx.fail(response_code::system_error,
                        "the settings of consumer group " + group + " were refused: " + error.message());
    if (error)
        return ctx.fail(response_code::system_error, "the settings of consumer group " + group +
                                                         " apply now but could not be saved, so a restart loses "
                                                         "them: " +
                                                         error.message() + "; check the disk, then send them again");
    remoting_log()->info("consumer group {} settings set by {}", group, ctx.remote_address());
    ctx.respond(ctx.response(response_code::success));
}

} // namespace gantry::protocols::remoting::handlers
