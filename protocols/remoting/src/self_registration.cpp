#include "gantry/protocols/remoting/self_registration.hpp"

namespace gantry::protocols::remoting {

namesrv::broker_registration self_registration(const engine::topic_table& topics, const broker_identity& identity) {
    namesrv::broker_registration r;
    r.cluster_name = identity.cluster;
    r.broker_name = identity.broker_name;
    r.broker_addr = identity.store_host;
    r.broker_id = 0;
    r.ha_server_addr = identity.store_host;
    r.version = {topics.version_counter, topics.version_timestamp_ms, 0};
    r.topics.reserve(topics.topics.size());
    for (const auto& t : topics.topics) {
        namesrv::topic_config c;
        c.topic_name = t.name;
        c.read_queue_nums = t.read_queue_nums;
        c.write_queue_nums = t.write_queue_nums;
        c.perm = t.perm;
        c.topic_sys_flag = t.topic_sys_flag;
        c.order = t.order;
        r.topics.push_back(std::move(c));
    }
    return r;
}

} // namespace gantry::protocols::remoting
