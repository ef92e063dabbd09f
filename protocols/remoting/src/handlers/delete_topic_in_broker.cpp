#include <string>
#include <system_error>

#include "../remoting_log.hpp"
#include "../remoting_mapping.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"
#include "topic_remarks.hpp"

namespace gantry::protocols::remoting::handlers {

// DELETE_TOPIC_IN_BROKER (215), as RocketMQ's AdminBrokerProcessor.deleteTopic:
// header `topic`; a blank, invalid or system topic is SYSTEM_ERROR with
// Java's remarks. A topic this broker does not have is SUCCESS, as in Java,
// so that a delete sent to every master of a cluster (mqadmin deleteTopic
// -c) passes the brokers that never hosted it; the remark says nothing was
// deleted. Answered once the name servers know the topic is gone.
void delete_topic_in_broker(request_context ctx) {
    header_reader h(ctx.request());
    const auto topic = h.text("topic");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    if (auto remark = invalid_topic_remark(topic)) return ctx.fail(response_code::system_error, *remark);

    remoting_log()->info("DELETE_TOPIC_IN_BROKER of {} from {}", topic, ctx.remote_address());
    const auto error = ctx.engine().delete_topic(ctx.operation(), topic);
    if (error == core::core_errc::topic_not_exist)
        return ctx.respond(ctx.response(response_code::success,
                                        "topic[" + topic + "] does not exist on this broker; nothing was deleted"));
    if (error == core::core_errc::reserved_topic_name)
        return ctx.fail(response_code::system_error, "The topic[" + topic + "] is conflict with system topic.");
    if (error)
        return ctx.fail(to_response_code(error), "the topic[" + topic + "] was not deleted: " + error.message());
    ctx.after_topics_published([ctx] { ctx.respond(ctx.response(response_code::success)); });
}

} // namespace gantry::protocols::remoting::handlers
