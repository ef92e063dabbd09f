#include <string>
#include <utility>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "../remoting_mapping.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

// MQVersion V3_4_9: older clients' maxReconsumeTimes is not trusted (spec 1.5).
constexpr std::int32_t first_version_with_max_reconsume_times = 121;

} // namespace

// A consumer could not process the message at `offset`: the engine copies it
// to %RETRY%<group> with back-off, or to %DLQ%<group> (spec 2.4.9) once it
// was reconsumed maxReconsumeTimes times, or, when the request carries none
// (or comes from a client older than V3_4_9), the group's retryMaxTimes.
void consumer_send_msg_back(request_context ctx) {
    header_reader h(ctx.request());
    engine::send_back_request back;
    back.physical_offset = h.int64("offset");
    back.group = h.text("group");
    back.delay_level = h.int32("delayLevel");
    back.origin_message_id = h.text_or("originMsgId", {});
    h.text_or("originTopic", {});
    h.boolean_or("unitMode", false);
    back.max_reconsume_times = h.int32_or("maxReconsumeTimes", -1);
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    if (ctx.request().version < first_version_with_max_reconsume_times) back.max_reconsume_times = -1;
    ctx.engine().send_back(ctx.operation(), std::move(back), [ctx](std::error_code ec) {
        if (ec) return ctx.fail(to_response_code(ec), ec.message());
        // The copy may have created %RETRY% or %DLQ%: routable before the answer.
        ctx.after_topics_published([ctx] { ctx.respond(ctx.response(response_code::success)); });
    });
}

} // namespace gantry::protocols::remoting::handlers
