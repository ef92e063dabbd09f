#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

bool is_upper(std::string_view boundary) {
    return boundary.size() == 5 && std::equal(boundary.begin(), boundary.end(), "upper", [](char a, char b) {
               return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
           });
}

} // namespace

// Spec 2.4.15 with 5.x's boundaries, which 4.x clients get too (they send no
// boundaryType, so LOWER): the first offset stored at or after the time, or
// max when none is; UPPER the last offset stored at or before it, or min.
// 4.9.x brokers answered the nearer of the two neighbours instead.
void search_offset_by_timestamp(request_context ctx) {
    header_reader h(ctx.request());
    const auto topic = h.text("topic");
    const auto queue_id = h.int32("queueId");
    const auto timestamp = h.int64("timestamp");
    const auto boundary = h.text_or("boundaryType", "LOWER");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);

    std::int64_t offset = 0; // an unknown queue, as Java
    if (const auto queue = ctx.engine().query_queue(topic, queue_id)) {
        if (!is_upper(boundary)) {
            offset = ctx.engine().offset_at_time(topic, queue_id, timestamp);
        } else if (timestamp == std::numeric_limits<std::int64_t>::max()) {
            offset = std::max(queue->max_offset - 1, queue->min_offset);
        } else {
            // Store times never decrease along a queue: the entry before the
            // first one stored after the time is the last one at or before it.
            offset = ctx.engine().offset_at_time(topic, queue_id, timestamp + 1) - 1;
        }
        offset = std::clamp(offset, queue->min_offset, std::max(queue->min_offset, queue->max_offset));
    }
    auto response = ctx.response(response_code::success);
    response.set_ext("offset", std::to_string(offset));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
