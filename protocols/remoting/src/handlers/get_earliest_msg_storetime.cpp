#include <cstdint>
#include <string>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// Spec 2.4.17: the store time of the record at the queue's min offset; -1
// when the queue is empty or unknown, as Java (its store finds no entry).
void get_earliest_msg_storetime(request_context ctx) {
    header_reader h(ctx.request());
    const auto topic = h.text("topic");
    const auto queue_id = h.int32("queueId");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    const auto queue = ctx.engine().query_queue(topic, queue_id);
    const bool has_records = queue && queue->max_offset > queue->min_offset && queue->earliest_store_time_ms > 0;
    auto response = ctx.response(response_code::success);
    response.set_ext("timestamp", std::to_string(has_records ? queue->earliest_store_time_ms : std::int64_t{-1}));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
