#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../consumer_registry.hpp"
#include "../remoting_log.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/reset_offset_body.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

// MQVersion V3_0_7_SNAPSHOT: older clients cannot take RESET_CONSUMER_CLIENT_OFFSET.
constexpr std::int32_t first_resettable_version = 28;

// RESET_CONSUMER_CLIENT_OFFSET for one consumer, in the body its language reads.
remoting_command reset_request(const std::string& topic, const std::string& group, std::int64_t timestamp,
                               const std::vector<queue_offset>& offsets, const std::string& language) {
    remoting_command request;
    request.code = request_code::reset_consumer_client_offset;
    request.set_ext("topic", topic);
    request.set_ext("group", group);
    request.set_ext("timestamp", std::to_string(timestamp));
    // Java sends the C++ form only when the admin is C++; the consumer's own language is the better guide.
    set_body(request, language == "CPP" ? reset_offset_body_for_c(offsets) : reset_offset_body(offsets));
    return request;
}

std::int64_t max_offset(const request_context& ctx, const std::string& topic, std::int32_t queue_id) {
    const auto state = ctx.engine().query_queue(topic, queue_id);
    return state ? state->max_offset : 0;
}

} // namespace

// INVOKE_BROKER_TO_RESET_OFFSET (222, spec 2.4.20). Header `topic`, `group`,
// `timestamp` (−1: each queue's max offset), `isForce`; 5.x's `queueId`
// (one queue) and `offset` (instead of the time) are honoured too. Per
// queue of this broker the offset is the one for the time, used when
// forced, when the group committed nothing there, or when it lies before
// the committed one (else the committed one stays). Every consumer of the
// group online here gets a one-way RESET_CONSUMER_CLIENT_OFFSET and adopts
// the offsets; the broker also commits them itself (4.9.x leaves that to
// the clients), so the group's position is right even for a client that
// ignores the request. The admin gets the offsets as a ResetOffsetBody.
// No consumer online: CONSUMER_NOT_ONLINE (admin tools then commit the
// offsets themselves, with UPDATE_CONSUMER_OFFSET). Java also refuses a
// group without committed offsets (SYSTEM_ERROR); a group with consumers
// online is known whatever it committed, so Gantry resets it.
void invoke_broker_to_reset_offset(request_context ctx) {
    header_reader h(ctx.request());
    const auto topic = h.text("topic");
    const auto group = h.text("group");
    const auto timestamp = h.int64("timestamp");
    const bool force = h.boolean_or("isForce", false);
    const auto only_queue = h.int32_or("queueId", -1);
    const auto offset = h.int64_or("offset", -1);
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);

    const auto config = ctx.engine().find_topic(topic);
    if (!config)
        return ctx.fail(response_code::system_error,
                        "[reset-offset] reset offset failed, no topic in this broker. topic=" + topic);
    // Checked before the offsets (Java checks after): an offline group is
    // reset by the admin tool itself, whatever it committed so far.
    const auto members = ctx.consumers().members(group);
    if (members.empty())
        return ctx.fail(response_code::consumer_not_online,
                        fmt::format("Consumer not online, so can not reset offset, Group: {} Topic: {} Timestamp: {}",
                                    group, topic, timestamp));
    for (const auto& m : members)
        if (m.client.version < first_resettable_version)
            return ctx.fail(response_code::system_error,
                            fmt::format("the client {} does not support this feature. version={} (older than "
                                        "V3_0_7_SNAPSHOT); stop it and reset again",
                                        m.client_id, m.client.version));

    std::vector<queue_offset> offsets;
    for (std::int32_t q = 0; q < config->read_queue_nums; ++q) {
        if (only_queue >= 0 && q != only_queue) continue;
        const auto committed = ctx.engine().committed_offset(group, topic, q);
        std::int64_t target = offset;
        if (only_queue < 0 || offset < 0)
            target = timestamp == -1 ? max_offset(ctx, topic, q) : ctx.engine().offset_at_time(topic, q, timestamp);
        if (committed && !force && target >= *committed) target = *committed;
        offsets.push_back({topic, ctx.identity().broker_name, q, target});
    }

    for (const auto& q : offsets) ctx.engine().commit_offset(ctx.operation(), group, topic, q.queue_id, q.offset);
    for (const auto& m : members)
        if (!ctx.consumers().send_oneway(m.conn, reset_request(topic, group, timestamp, offsets, m.client.language)))
            remoting_log()->warn("[reset-offset] consumer {} of group {} left before it was told of the reset of {}; "
                                 "it reads the new offsets when it comes back",
                                 m.client_id, group, topic);
    remoting_log()->info("[reset-offset] group {} reset on {} ({} queues, timestamp {}) by {}; {} consumer(s) told",
                         group, topic, offsets.size(), timestamp, ctx.remote_address(), members.size());
    auto response = ctx.response(response_code::success);
    set_body(response, reset_offset_body(offsets));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
