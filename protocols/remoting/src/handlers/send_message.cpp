#include "send_message.hpp"

#include <string>
#include <utility>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "../remoting_mapping.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "gantry/store/message_properties.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

constexpr send_header_keys long_keys{"producerGroup", "topic", "defaultTopic", "defaultTopicQueueNums",
                                     "queueId", "sysFlag", "bornTimestamp", "flag", "properties",
                                     "reconsumeTimes", "batch"};

// Java brokers add the cluster name to every stored message (spec 2.4.1 step 7).
std::string with_cluster(std::string properties, const std::string& cluster) {
    if (store::find_property(properties, "CLUSTER")) return properties;
    store::append_property(properties, "CLUSTER", cluster);
    properties += store::property_separator;
    return properties;
}

} // namespace

void send_with_keys(request_context ctx, const send_header_keys& keys, bool batch_request) {
    const auto& request = ctx.request();
    header_reader h(request);
    h.text(keys.producer_group);
    engine::record_append record;
    record.topic = h.text(keys.topic);
    record.queue_id = h.int32(keys.queue_id);
    record.sys_flag = h.int32(keys.sys_flag);
    record.born_timestamp = h.int64(keys.born_timestamp);
    record.flag = h.int32(keys.flag);
    record.properties = h.text_or(keys.properties, {});
    record.reconsume_times = h.int32_or(keys.reconsume_times, 0);
    const bool batch = h.boolean_or(keys.batch, false) || batch_request;
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    // "< 0: the broker picks"; Gantry has no queue count here, and queue 0 always exists.
    if (record.queue_id < 0) record.queue_id = 0;
    record.properties = with_cluster(std::move(record.properties), ctx.identity().cluster);
    record.born_host = to_host_address(ctx.remote_address());
    // The C++ client sends batches as code 310 with the batch flag (spec appendix).
    if (batch) return send_batch(std::move(ctx), std::move(record));
    record.body.assign(reinterpret_cast<const char*>(request.body.data()), request.body.size());
    ctx.engine().append_record(ctx.operation(), std::move(record), [ctx](result<engine::append_receipt> stored) {
        if (!stored) return ctx.fail(to_response_code(stored.error()), stored.error().message());
        // Stored but not flushed in time: Java answers FLUSH_DISK_TIMEOUT with the receipt.
        auto response = ctx.response(stored->durable ? response_code::success : response_code::flush_disk_timeout);
        response.set_ext("msgId", ctx.engine().offset_message_id(stored->physical_offset));
        response.set_ext("queueId", std::to_string(stored->queue_id));
        response.set_ext("queueOffset", std::to_string(stored->queue_offset));
        response.set_ext("MSG_REGION", "DefaultRegion");
        response.set_ext("TRACE_ON", "true");
        ctx.respond(std::move(response));
    });
}

void send_message(request_context ctx) { send_with_keys(std::move(ctx), long_keys); }

} // namespace gantry::protocols::remoting::handlers
