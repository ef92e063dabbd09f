#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// There is no KV store yet, so every key is missing (Java's answer and
// remark for a missing one); clients fall back to their defaults.
void get_kv_config(request_context ctx) {
    header_reader h(ctx.request());
    const auto name_space = h.text("namespace");
    const auto key = h.text("key");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    ctx.fail(response_code::query_not_found, "No config item, Namespace: " + name_space + " Key: " + key);
}

} // namespace gantry::protocols::remoting::handlers
