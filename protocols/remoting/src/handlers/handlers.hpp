#pragma once

#include <string>
#include <string_view>

#include "../request_context.hpp"

// One function per request code, each in handlers/<name>.cpp.
namespace gantry::protocols::remoting::handlers {

void send_message(request_context ctx);         // 10, long header names
void send_message_v2(request_context ctx);      // 310, keys a..n
void send_batch_message(request_context ctx);   // 320
void pull_message(request_context ctx);         // 11
void query_message(request_context ctx);        // 12
void query_consumer_offset(request_context ctx); // 14
void update_consumer_offset(request_context ctx); // 15
void update_and_create_topic(request_context ctx); // 17
void get_all_topic_config(request_context ctx);    // 21
void get_broker_runtime_info(request_context ctx); // 28
void search_offset_by_timestamp(request_context ctx); // 29
void get_max_offset(request_context ctx);       // 30
void get_min_offset(request_context ctx);       // 31
void get_earliest_msg_storetime(request_context ctx); // 32
void view_message_by_id(request_context ctx);   // 33
void heart_beat(request_context ctx);           // 34
void unregister_client(request_context ctx);    // 35
void consumer_send_msg_back(request_context ctx); // 36
void get_consumer_list_by_group(request_context ctx); // 38
void lock_batch_mq(request_context ctx);        // 41
void unlock_batch_mq(request_context ctx);      // 42
void update_and_create_subscriptiongroup(request_context ctx); // 200
void get_all_subscriptiongroup_config(request_context ctx); // 201
void delete_subscriptiongroup(request_context ctx); // 207
void delete_topic_in_broker(request_context ctx); // 215
void invoke_broker_to_reset_offset(request_context ctx); // 222

// GET_MAX_OFFSET and GET_MIN_OFFSET: one field of the queue's state.
void reply_queue_offset(request_context ctx, std::int64_t engine::queue_state::*which);

// Whether the group's members hear of its changes (its settings'
// notifyConsumerIdsChangedEnable).
inline bool notifies_consumers(const request_context& ctx, const std::string& group) {
    return ctx.engine().group_configs().effective_group_config(group).notify_consumer_ids_changed_enable;
}

// A response body of JSON text.
inline void set_body(remoting_command& response, std::string_view json) {
    const auto* bytes = reinterpret_cast<const std::byte*>(json.data());
    response.body.assign(bytes, bytes + json.size());
}

} // namespace gantry::protocols::remoting::handlers
