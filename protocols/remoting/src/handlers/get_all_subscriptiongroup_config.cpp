#include <chrono>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "../consumer_registry.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

struct group_row {
    std::size_t online = 0;
    bool durable = false;
};

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201): SubscriptionGroupWrapper as 4.9.x
// writes it, {"dataVersion":{..},"subscriptionGroupTable":{"<group>":{..}}},
// keys alphabetical, compact. Gantry keeps no subscription-group table: the
// groups are those the engine knows (committed offsets, live members of any
// protocol) and those with consumers online here, each with RocketMQ's
// defaults, plus two fields of Gantry's that RocketMQ tools ignore:
// `onlineConsumers` (native clients heartbeating now plus the engine's live
// members) and `durable` (the broker keeps the group's position while no
// consumer is online). The DataVersion is the time of the answer: with no
// table there is no change count to report.
void get_all_subscriptiongroup_config(request_context ctx) {
    using json = nlohmann::json; // std::map objects: keys sorted, as fastjson writes beans
    std::map<std::string, group_row> rows;
    for (const auto& g : ctx.engine().list_groups()) {
        auto& row = rows[g.name];
        row.online += static_cast<std::size_t>(g.members);
        row.durable = row.durable || g.durable;
    }
    for (const auto& g : ctx.consumers().online_groups()) {
        auto& row = rows[g.name];
        row.online += g.consumers;
        // A clustering group's offsets live at the broker, committed as it consumes.
        row.durable = row.durable || g.clustering;
    }
    json table = json::object();
    for (const auto& [name, row] : rows)
        table[name] = json{{"brokerId", 0},
                           {"consumeBroadcastEnable", true},
                           {"consumeEnable", true},
                           {"consumeFromMinEnable", true},
                           {"durable", row.durable},
                           {"groupName", name},
                           {"notifyConsumerIdsChangedEnable", true},
                           {"onlineConsumers", row.online},
                           {"retryMaxTimes", 16},
                           {"retryQueueNums", 1},
                           {"whichBrokerWhenConsumeSlowly", 1}};
    const json body{{"dataVersion", {{"counter", 0}, {"timestamp", now_ms()}}},
                    {"subscriptionGroupTable", std::move(table)}};
    auto response = ctx.response(response_code::success);
    set_body(response, body.dump(-1, ' ', false, json::error_handler_t::replace));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
