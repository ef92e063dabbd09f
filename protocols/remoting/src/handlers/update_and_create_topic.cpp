#include <optional>
#include <string>
#include <system_error>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "../remoting_mapping.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"
#include "topic_remarks.hpp"

namespace gantry::protocols::remoting::handlers {

// Spec 2.4.18. topicFilterType is read by no broker path and not kept
// (topics report SINGLE_TAG); defaultTopic is not needed to create.
void update_and_create_topic(request_context ctx) {
    header_reader h(ctx.request());
    engine::declare_options options;
    options.topic = h.text("topic");
    engine::topic_info config;
    config.read_queue_nums = h.int32("readQueueNums");
    config.write_queue_nums = h.int32("writeQueueNums");
    config.perm = h.int32("perm");
    config.topic_sys_flag = h.int32_or("topicSysFlag", 0);
    config.order = h.boolean_or("order", false);
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    if (auto remark = invalid_topic_remark(options.topic)) return ctx.fail(response_code::system_error, *remark);
    if (options.topic == ctx.identity().cluster || options.topic == ctx.identity().broker_name)
        return ctx.fail(response_code::system_error,
                        "the topic[" + options.topic + "] is conflict with system reserved words.");
    config.name = options.topic;
    options.config = std::move(config);
    const auto topic = options.topic;
    ctx.engine().declare(ctx.operation(), std::move(options), [ctx, topic](std::error_code error) {
        if (!error) return ctx.after_topics_published([ctx] { ctx.respond(ctx.response(response_code::success)); });
        // The engine refuses system topics and out-of-range queue counts or perm bits.
        ctx.fail(to_response_code(error), "the topic[" + topic + "] was not created or updated: " + error.message());
    });
}

} // namespace gantry::protocols::remoting::handlers
