#include <string>
#include <utility>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "../remoting_mapping.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// A consumer could not process the message at `offset`: the engine copies it
// to %RETRY%<group> with back-off, or to %DLQ%<group> (spec 2.4.9).
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
    ctx.engine().send_back(ctx.operation(), std::move(back), [ctx](std::error_code ec) {
        if (ec) return ctx.fail(to_response_code(ec), ec.message());
        // The copy may have created %RETRY% or %DLQ%: routable before the answer.
        ctx.after_topics_published([ctx] { ctx.respond(ctx.response(response_code::success)); });
    });
}

} // namespace gantry::protocols::remoting::handlers
