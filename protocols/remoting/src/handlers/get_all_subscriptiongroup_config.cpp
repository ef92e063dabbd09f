#include <map>
#include <string>

#include "../consumer_registry.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "gantry/protocols/remoting/subscription_group_body.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201): SubscriptionGroupWrapper as 4.9.x
// writes it, {"dataVersion":{..},"subscriptionGroupTable":{"<group>":{..}}},
// keys alphabetical, compact. The groups are those with stored settings
// (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP), those the engine knows (committed
// offsets, live members of any protocol) and those with native consumers
// online here; a group without stored settings shows the defaults that
// apply to it. Each also has two fields of Gantry's that RocketMQ tools
// ignore: `onlineConsumers` (native clients heartbeating now plus the
// engine's live members) and `durable` (the broker keeps the group's
// position while no consumer is online). The DataVersion is the stored
// table's.
void get_all_subscriptiongroup_config(request_context ctx) {
    auto& configs = ctx.engine().group_configs();
    const auto stored = configs.list_group_configs();
    std::map<std::string, subscription_group_row> rows;
    const auto row_of = [&](const std::string& name) -> subscription_group_row& {
        auto [it, added] = rows.try_emplace(name);
        if (added) it->second = {configs.effective_group_config(name), 0, false};
        return it->second;
    };
    for (const auto& config : stored.groups) rows[config.group_name] = {config, 0, false};
    for (const auto& g : ctx.engine().list_groups()) {
        auto& row = row_of(g.name);
        *row.online_consumers += g.members;
        row.durable = *row.durable || g.durable;
    }
    for (const auto& g : ctx.consumers().online_groups()) {
        auto& row = row_of(g.name);
        *row.online_consumers += static_cast<std::int32_t>(g.consumers);
        // A clustering group's offsets live at the broker, committed as it consumes.
        row.durable = *row.durable || g.clustering;
    }
    subscription_group_wrapper wrapper{{}, stored.version_counter, stored.version_timestamp_ms};
    wrapper.groups.reserve(rows.size());
    for (auto& [name, row] : rows) wrapper.groups.push_back(std::move(row));
    auto response = ctx.response(response_code::success);
    set_body(response, subscription_group_wrapper_json(wrapper));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
