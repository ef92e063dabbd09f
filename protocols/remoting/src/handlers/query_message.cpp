#include <algorithm>
#include <string>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/engine/byte_order.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

// Java's defaultQueryMaxNum (a UNIQ_KEY query) and maxMsgsNumBatch (the cap).
constexpr std::int32_t unique_key_max = 32;
constexpr std::int32_t max_results = 64;

// Stored-record positions (spec 3.1): physical offset, sysFlag, then born
// host (8 bytes, 20 with the BORNHOST_V6 bit) before the store timestamp.
constexpr std::size_t physical_offset_position = 28;
constexpr std::size_t sys_flag_position = 36;
constexpr std::size_t born_host_position = 48;
constexpr std::int32_t born_host_v6_bit = 0x10;

} // namespace

// Records indexed under topic#key (spec 2.4.13). Java reports the index
// file's last update; Gantry reports the newest record found, which is what
// clients merging answers from several brokers compare.
void query_message(request_context ctx) {
    header_reader h(ctx.request());
    const auto topic = h.text("topic");
    const auto key = h.text("key");
    auto max = h.int32("maxNum");
    const auto begin = h.int64("beginTimestamp");
    const auto end = h.int64("endTimestamp");
    const bool unique_key = h.boolean_or("_UNIQUE_KEY_QUERY", false);
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    if (unique_key) max = unique_key_max;
    max = std::clamp(max, 1, max_results);

    auto records = ctx.engine().find_stored_by_key(topic, key, static_cast<std::size_t>(max), begin, end);
    if (records.empty())
        return ctx.fail(response_code::query_not_found, "can not find message, maybe time range not correct");
    std::int64_t last_timestamp = 0;
    std::int64_t last_offset = 0;
    for (const auto& r : records) {
        const auto* bytes = r.bytes.data();
        if (r.bytes.size() < born_host_position) continue;
        const auto sys_flag = load_be<std::int32_t>(bytes + sys_flag_position);
        const auto store_time_position = born_host_position + ((sys_flag & born_host_v6_bit) ? 20 : 8);
        if (r.bytes.size() < store_time_position + 8) continue;
        last_timestamp = std::max(last_timestamp, load_be<std::int64_t>(bytes + store_time_position));
        last_offset = std::max(last_offset, load_be<std::int64_t>(bytes + physical_offset_position));
    }
    auto response = ctx.response(response_code::success);
    response.set_ext("indexLastUpdateTimestamp", std::to_string(last_timestamp));
    response.set_ext("indexLastUpdatePhyoffset", std::to_string(last_offset));
    ctx.respond(std::move(response), std::move(records));
}

} // namespace gantry::protocols::remoting::handlers
