#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gantry/engine/group_config_store.hpp"
#include "gantry/protocols/remoting/client/client_runtime.hpp"
#include "gantry/protocols/remoting/client/message.hpp"

namespace gantry::protocols::remoting::client {

// The brokers the name servers know (ClusterInfo, spec 4.4).
using remoting::cluster_info;

// How far a topic delete reached.
struct topic_deletion {
    std::size_t brokers = 0;      // masters of the topic's route that deleted it
    std::size_t name_servers = 0; // name servers that answered
};

// A consumer group's settings (RocketMQ's SubscriptionGroupConfig).
using engine::group_config;

// A consumer group as one broker reports it (GET_ALL_SUBSCRIPTIONGROUP_CONFIG).
struct group_summary {
    std::string broker_name;
    std::string group;
    std::int32_t online_consumers = -1; // -1: the broker does not say (not a Gantry broker)
    bool durable = true;
    group_config settings;
};

// What `admin::update_group` changes in a group's settings; what is not
// set stays as the broker has it.
struct group_settings_change {
    std::optional<bool> consume_enable;
    std::optional<bool> consume_from_min_enable;
    std::optional<bool> consume_broadcast_enable;
    std::optional<std::int32_t> retry_queue_nums;
    std::optional<std::int32_t> retry_max_times;
    std::optional<std::int64_t> broker_id;
    std::optional<std::int64_t> which_broker_when_consume_slowly;
    std::optional<bool> notify_consumer_ids_changed_enable;

    // `base` with this change applied.
    group_config applied_to(group_config base) const;
};

struct topic_settings {
    std::string name;
    std::int32_t read_queue_nums = 8;
    std::int32_t write_queue_nums = 8;
    std::int32_t perm = 6; // read and write
    bool order = false;
};

// Operations on topics, brokers and messages, as RocketMQ's mqadmin does
// them. Blocking: call from any thread but the runtime's.
class admin {
public:
    explicit admin(client_runtime& runtime) : runtime_(runtime) {}

    result<cluster_info> cluster();
    // Every topic the name servers know.
    result<std::vector<std::string>> topics();
    // Creates or updates the topic on every master of `cluster` (every
    // master the name servers know when empty); returns how many.
    result<std::size_t> create_topic(const topic_settings& topic, const std::string& cluster = {});
    result<topic_route> route(const std::string& topic);
    // DELETE_TOPIC_IN_BROKER on every master of the topic's route, then
    // DELETE_TOPIC_IN_NAMESRV on every name server that answers (at least
    // one must), as mqadmin deleteTopic does.
    result<topic_deletion> delete_topic(const std::string& topic);

    // The groups of every master the name servers know, by broker.
    result<std::vector<group_summary>> groups();
    // DELETE_SUBSCRIPTIONGROUP on every master that lists the group; returns
    // how many. response_error(SUBSCRIPTION_GROUP_NOT_EXIST) when none does.
    result<std::size_t> delete_group(const std::string& group);
    // UPDATE_AND_CREATE_SUBSCRIPTIONGROUP on every master of `cluster`
    // (every master the name servers know when empty), as mqadmin
    // updateSubGroup: each broker's settings of the group (RocketMQ's
    // defaults where it lists none) with `change` applied. The settings
    // each broker now has, by broker name.
    result<std::map<std::string, group_config>> update_group(const std::string& group,
                                                             const group_settings_change& change,
                                                             const std::string& cluster = {});

    // INVOKE_BROKER_TO_RESET_OFFSET on every master of the topic's route:
    // each broker computes the offsets for `timestamp_ms` (−1: the end, 0:
    // the start), commits them and tells the group's online consumers,
    // which continue from there. The offsets set, per queue.
    // response_error(CONSUMER_NOT_ONLINE) when a broker has no consumer of
    // the group online (commit the offsets then: nobody overwrites them).
    result<std::map<message_queue, std::int64_t>> reset_offsets_online(const std::string& topic,
                                                                       const std::string& group,
                                                                       std::int64_t timestamp_ms, bool force = true);

    // The remark of the last answer that refused a request of this object
    // (what the broker said, for the operator); empty when there was none.
    const std::string& remark() const noexcept { return remark_; }
    // What the broker at `address` reports of itself (GET_BROKER_RUNTIME_INFO).
    result<std::map<std::string, std::string>> runtime_info(const std::string& address);
    // A message by its offset message id (the broker's id).
    result<received_message> message_by_offset_id(const std::string& offset_msg_id);
    // Messages of `topic` whose KEYS (or, with `unique_key`, UNIQ_KEY) hold
    // `key`, stored between the two times (ms), from every broker of the topic.
    result<std::vector<received_message>> query_by_key(const std::string& topic, const std::string& key,
                                                       std::int32_t max, std::int64_t begin_ms, std::int64_t end_ms,
                                                       bool unique_key = false);

private:
    result<remoting_command> call(const std::string& address, remoting_command request);
    // call(), and a non-SUCCESS answer as response_error(code), its remark kept.
    result<remoting_command> call_expecting_success(const std::string& address, remoting_command request);
    // The master addresses the name servers know, by broker name; only
    // those of `cluster` unless it is empty.
    result<std::map<std::string, std::string>> masters(const std::string& cluster = {});
    result<std::vector<group_summary>> groups_of(const std::string& broker_name, const std::string& address);

    client_runtime& runtime_;
    std::string remark_;
};

} // namespace gantry::protocols::remoting::client
