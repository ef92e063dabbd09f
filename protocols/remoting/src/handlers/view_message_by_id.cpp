#include <string>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// The client decodes the offset msgId itself and asks the broker inside it
// for the record at that commit-log offset (spec 2.4.14).
void view_message_by_id(request_context ctx) {
    header_reader h(ctx.request());
    const auto offset = h.int64("offset");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    auto record = ctx.engine().stored_record_at(offset);
    if (!record) return ctx.fail(response_code::system_error, "no message at offset " + std::to_string(offset));
    ctx.respond(ctx.response(response_code::success), {std::move(*record)});
}

} // namespace gantry::protocols::remoting::handlers
