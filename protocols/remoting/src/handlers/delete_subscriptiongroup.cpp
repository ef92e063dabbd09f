#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "../consumer_registry.hpp"
#include "../remoting_log.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

std::string joined(const std::vector<consumer_registry::member_channel>& members) {
    std::string out;
    for (const auto& m : members) out += (out.empty() ? "" : ", ") + m.client_id;
    return out;
}

} // namespace

// DELETE_SUBSCRIPTIONGROUP (207): header `groupName` (5.x's `cleanOffset`
// is read and not needed). The group's stored settings go, as in Java, and
// so do its position (committed offsets) and retry topic, as
// facade::delete_group forgets them; its dead letters stay. Refused
// (SYSTEM_ERROR) while consumers are online: their next heartbeat and
// commit would bring it back. A group this broker does not know is
// SUCCESS, as in Java, with a remark saying nothing was deleted.
void delete_subscriptiongroup(request_context ctx) {
    header_reader h(ctx.request());
    const auto group = h.text("groupName");
    h.boolean_or("cleanOffset", false);
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    if (group.empty()) return ctx.fail(response_code::system_error, "the groupName is blank");

    if (const auto online = ctx.consumers().members(group); !online.empty())
        return ctx.fail(response_code::system_error,
                        fmt::format("consumer group {} has {} consumer(s) online ({}); stop them before deleting the "
                                    "group, or their next heartbeat brings it back",
                                    group, online.size(), joined(online)));
    const auto groups = ctx.engine().list_groups();
    const bool in_engine = std::any_of(groups.begin(), groups.end(), [&](const auto& g) { return g.name == group; });
    const auto error = ctx.engine().delete_group(ctx.operation(), group);
    if (error == core::core_errc::group_in_use)
        return ctx.fail(response_code::system_error,
                        "consumer group " + group + " still has subscribers of another protocol (MQTT, AMQP or STOMP "
                                                    "sessions); close them before deleting the group");
    if (error) return ctx.fail(response_code::system_error, "consumer group " + group + " was not deleted: " + error.message());
    const auto settings = ctx.engine().group_configs().remove_group_config(group);
    if (!settings)
        return ctx.fail(response_code::system_error,
                        "consumer group " + group + " was deleted, but config/subscriptionGroup.json could not be "
                                                    "saved without its settings, so a restart brings them back: " +
                            settings.error().message() + "; check the disk, then delete the group again");
    if (!in_engine && !*settings)
        return ctx.respond(ctx.response(response_code::success,
                                        "consumer group " + group + " is not known on this broker; nothing was deleted"));
    remoting_log()->info("consumer group {} deleted by {}: its settings, offsets and retry topic are gone", group,
                         ctx.remote_address());
    // Its retry topic is gone: the name servers hear of it before the answer.
    ctx.after_topics_published([ctx] { ctx.respond(ctx.response(response_code::success)); });
}

} // namespace gantry::protocols::remoting::handlers
