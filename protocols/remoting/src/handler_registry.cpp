#include "handler_registry.hpp"

#include "gantry/protocols/remoting/request_code.hpp"
#include "handlers/handlers.hpp"
#include "request_context.hpp"

namespace gantry::protocols::remoting {

const handler_registry& handler_registry::standard() {
    static const handler_registry registry = [] {
        handler_registry r;
        r.add(request_code::send_message, handlers::send_message);
        r.add(request_code::send_message_v2, handlers::send_message_v2);
        r.add(request_code::send_batch_message, handlers::send_batch_message);
        r.add(request_code::pull_message, handlers::pull_message);
        r.add(request_code::query_consumer_offset, handlers::query_consumer_offset);
        r.add(request_code::update_consumer_offset, handlers::update_consumer_offset);
        r.add(request_code::update_and_create_topic, handlers::update_and_create_topic);
        r.add(request_code::get_all_topic_config, handlers::get_all_topic_config);
        r.add(request_code::get_broker_runtime_info, handlers::get_broker_runtime_info);
        r.add(request_code::search_offset_by_timestamp, handlers::search_offset_by_timestamp);
        r.add(request_code::get_max_offset, handlers::get_max_offset);
        r.add(request_code::get_min_offset, handlers::get_min_offset);
        r.add(request_code::get_earliest_msg_storetime, handlers::get_earliest_msg_storetime);
        r.add(request_code::heart_beat, handlers::heart_beat);
        r.add(request_code::unregister_client, handlers::unregister_client);
        r.add(request_code::query_message, handlers::query_message);
        r.add(request_code::view_message_by_id, handlers::view_message_by_id);
        r.add(request_code::consumer_send_msg_back, handlers::consumer_send_msg_back);
        r.add(request_code::get_consumer_list_by_group, handlers::get_consumer_list_by_group);
        r.add(request_code::lock_batch_mq, handlers::lock_batch_mq);
        r.add(request_code::unlock_batch_mq, handlers::unlock_batch_mq);
        r.add(request_code::update_and_create_subscriptiongroup, handlers::update_and_create_subscriptiongroup);
        r.add(request_code::get_all_subscriptiongroup_config, handlers::get_all_subscriptiongroup_config);
        r.add(request_code::delete_subscriptiongroup, handlers::delete_subscriptiongroup);
        r.add(request_code::delete_topic_in_broker, handlers::delete_topic_in_broker);
        r.add(request_code::invoke_broker_to_reset_offset, handlers::invoke_broker_to_reset_offset);
        return r;
    }();
    return registry;
}

request_handler handler_registry::find(std::int32_t code) const {
    const auto it = handlers_.find(code);
    return it == handlers_.end() ? nullptr : it->second;
}

} // namespace gantry::protocols::remoting
