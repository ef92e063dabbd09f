#include <charconv>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../remoting_mapping.hpp"
#include "gantry/store/batch_body.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/message_record.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"
#include "send_message.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

// Java refuses delayed and transactional batches (CommitLog.asyncPutMessages).
std::optional<std::string> refusal(std::string_view properties) {
    if (const auto delay = store::find_property(properties, "DELAY")) {
        int level = 0;
        std::from_chars(delay->data(), delay->data() + delay->size(), level);
        if (level > 0) return "batch messages cannot be delayed (DELAY " + std::string(*delay) + ")";
    }
    if (store::find_property(properties, "TRAN_MSG") == "true") return std::string("batch messages cannot be transactional");
    return std::nullopt;
}

} // namespace

void send_batch(request_context ctx, engine::record_append header) {
    if (header.sys_flag & store::sys_flag::transaction_mask)
        return ctx.fail(response_code::message_illegal, "batch messages cannot be transactional");
    if (auto why = refusal(header.properties)) return ctx.fail(response_code::message_illegal, *why);
    auto batch = store::decode_batch_body(ctx.request().body);
    if (batch.error) return ctx.fail(response_code::message_illegal, *batch.error);

    std::vector<engine::record_append> records;
    records.reserve(batch.entries.size());
    for (auto& entry : batch.entries) {
        if (auto why = refusal(entry.properties)) return ctx.fail(response_code::message_illegal, *why);
        engine::record_append record = header;
        record.flag = entry.flag;
        record.body = std::move(entry.body);
        // The header's properties (and CLUSTER) go to every entry (spec 3.4).
        record.properties = std::move(entry.properties);
        if (!record.properties.empty() && !header.properties.empty() && record.properties.back() != '\x02')
            record.properties += '\x02';
        record.properties += header.properties;
        records.push_back(std::move(record));
    }
    ctx.engine().append_records(ctx.operation(), std::move(records),
                                [ctx](result<std::vector<engine::append_receipt>> stored) {
                                    if (!stored) return ctx.fail(to_response_code(stored.error()), stored.error().message());
                                    std::string ids;
                                    for (const auto& receipt : *stored) {
                                        if (!ids.empty()) ids += ',';
                                        ids += ctx.engine().offset_message_id(receipt.physical_offset);
                                    }
                                    auto response = ctx.response(stored->front().durable
                                                                     ? response_code::success
                                                                     : response_code::flush_disk_timeout);
                                    response.set_ext("msgId", ids);
                                    response.set_ext("queueId", std::to_string(stored->front().queue_id));
                                    response.set_ext("queueOffset", std::to_string(stored->front().queue_offset));
                                    response.set_ext("MSG_REGION", "DefaultRegion");
                                    response.set_ext("TRACE_ON", "true");
                                    ctx.respond(std::move(response));
                                });
}

void send_batch_message(request_context ctx) { send_with_keys(std::move(ctx), short_keys, true); }

} // namespace gantry::protocols::remoting::handlers
