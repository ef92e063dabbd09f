#include "gantry/namesrv/route_table.hpp"

#include <algorithm>
#include <utility>

namespace gantry::namesrv {

registration_result route_table::register_broker(const broker_registration& registration, connection_key channel,
                                                 time_point now) {
    const std::lock_guard lock(mutex_);
    clusters_[registration.cluster_name].insert(registration.broker_name);
    auto [entry, first] = brokers_.try_emplace(registration.broker_name);
    auto& broker = entry->second;
    if (first) broker.cluster = registration.cluster_name;
    // One address has one id: a slave promoted to master moves from its id to 0.
    std::erase_if(broker.addrs, [&](const auto& slot) {
        return slot.second == registration.broker_addr && slot.first != registration.broker_id;
    });
    const bool new_slot = broker.addrs.insert_or_assign(registration.broker_id, registration.broker_addr).second;

    if (registration.broker_id == 0) {
        const auto live = live_.find(registration.broker_addr);
        const bool changed = live == live_.end() || live->second.version != registration.version;
        if (changed || first || new_slot) replace_queue_data(registration);
    }
    registration_result result;
    live_broker alive{now, registration.version, channel, registration.ha_server_addr};
    result.new_address = live_.insert_or_assign(registration.broker_addr, std::move(alive)).second;
    if (registration.broker_id != 0) {
        const auto master = broker.addrs.find(0);
        if (master != broker.addrs.end()) {
            if (const auto live = live_.find(master->second); live != live_.end()) {
                result.master_addr = master->second;
                result.ha_server_addr = live->second.ha_server_addr;
            }
        }
    }
    return result;
}

void route_table::replace_queue_data(const broker_registration& registration) {
    remove_queue_data(registration.broker_name);
    for (const auto& topic : registration.topics) {
        if (topic.topic_name.empty()) continue;
        topics_[topic.topic_name].insert_or_assign(
            registration.broker_name, queue_data{registration.broker_name, topic.read_queue_nums,
                                                 topic.write_queue_nums, topic.perm, topic.topic_sys_flag});
    }
}

void route_table::remove_queue_data(const std::string& broker_name) {
    for (auto topic = topics_.begin(); topic != topics_.end();) {
        topic->second.erase(broker_name);
        topic = topic->second.empty() ? topics_.erase(topic) : std::next(topic);
    }
}

void route_table::unregister_broker(std::string_view cluster_name, std::string_view broker_name,
                                    std::string_view broker_addr, std::int64_t broker_id) {
    const std::lock_guard lock(mutex_);
    if (const auto live = live_.find(broker_addr); live != live_.end()) live_.erase(live);
    const auto broker = brokers_.find(broker_name);
    if (broker == brokers_.end()) return;
    // As Java: the id decides which address goes, whatever address was sent.
    broker->second.addrs.erase(broker_id);
    if (!broker->second.addrs.empty()) return;
    const std::string name = broker->first;
    brokers_.erase(broker);
    if (const auto cluster = clusters_.find(cluster_name); cluster != clusters_.end()) {
        cluster->second.erase(name);
        if (cluster->second.empty()) clusters_.erase(cluster);
    }
    remove_queue_data(name);
}

std::vector<removed_broker> route_table::connection_closed(connection_key channel) {
    if (channel == in_process) return {};
    const std::lock_guard lock(mutex_);
    std::vector<std::string> addrs;
    for (const auto& [addr, live] : live_) {
        if (live.channel == channel) addrs.push_back(addr);
    }
    return remove_addresses(addrs, {});
}

std::vector<removed_broker> route_table::expire(time_point now, std::chrono::steady_clock::duration timeout) {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> addrs;
    std::vector<std::chrono::steady_clock::duration> silences;
    for (const auto& [addr, live] : live_) {
        if (live.channel != in_process && now - live.last_update > timeout) {
            addrs.push_back(addr);
            silences.push_back(now - live.last_update);
        }
    }
    return remove_addresses(addrs, silences);
}

std::vector<removed_broker> route_table::remove_addresses(
    const std::vector<std::string>& addrs, const std::vector<std::chrono::steady_clock::duration>& silences) {
    std::vector<removed_broker> removed;
    for (std::size_t i = 0; i < addrs.size(); ++i) {
        const auto& addr = addrs[i];
        live_.erase(addr);
        removed_broker gone{{}, {}, addr, i < silences.size() ? silences[i] : std::chrono::steady_clock::duration{}};
        for (auto broker = brokers_.begin(); broker != brokers_.end();) {
            const auto erased =
                std::erase_if(broker->second.addrs, [&](const auto& slot) { return slot.second == addr; });
            if (erased > 0 && gone.broker_name.empty()) {
                gone.cluster = broker->second.cluster;
                gone.broker_name = broker->first;
            }
            if (erased == 0 || !broker->second.addrs.empty()) {
                ++broker;
                continue;
            }
            for (auto cluster = clusters_.begin(); cluster != clusters_.end();) {
                cluster->second.erase(broker->first);
                cluster = cluster->second.empty() ? clusters_.erase(cluster) : std::next(cluster);
            }
            remove_queue_data(broker->first);
            broker = brokers_.erase(broker);
        }
        removed.push_back(std::move(gone));
    }
    return removed;
}

bool route_table::data_version_changed(std::string_view broker_addr, const data_version& version) const {
    const std::lock_guard lock(mutex_);
    const auto live = live_.find(broker_addr);
    return live == live_.end() || live->second.version != version;
}

std::optional<data_version> route_table::registered_version(std::string_view broker_addr) const {
    const std::lock_guard lock(mutex_);
    const auto live = live_.find(broker_addr);
    if (live == live_.end()) return std::nullopt;
    return live->second.version;
}

void route_table::touch(std::string_view broker_addr, time_point now) {
    const std::lock_guard lock(mutex_);
    if (const auto live = live_.find(broker_addr); live != live_.end()) live->second.last_update = now;
}

std::optional<topic_route> route_table::route(std::string_view topic) const {
    const std::lock_guard lock(mutex_);
    const auto hosts = topics_.find(topic);
    if (hosts == topics_.end()) return std::nullopt;
    topic_route route;
    for (const auto& [name, queue] : hosts->second) {
        route.queues.push_back(queue);
        if (const auto broker = brokers_.find(name); broker != brokers_.end()) {
            route.brokers.push_back(broker_data{broker->second.cluster, name, broker->second.addrs});
        }
    }
    if (route.brokers.empty() || route.queues.empty()) return std::nullopt;
    return route;
}

cluster_info route_table::clusters() const {
    const std::lock_guard lock(mutex_);
    cluster_info info;
    for (const auto& [name, broker] : brokers_) {
        info.brokers.emplace(name, broker_data{broker.cluster, name, broker.addrs});
    }
    for (const auto& [cluster, names] : clusters_) info.clusters.emplace(cluster, names);
    return info;
}

std::vector<std::string> route_table::topics() const {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    names.reserve(topics_.size());
    for (const auto& entry : topics_) names.push_back(entry.first);
    return names;
}

std::vector<std::string> route_table::topics_of_cluster(std::string_view cluster_name) const {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    const auto cluster = clusters_.find(cluster_name);
    if (cluster == clusters_.end()) return names;
    for (const auto& [topic, hosts] : topics_) {
        const bool hosted = std::any_of(hosts.begin(), hosts.end(),
                                        [&](const auto& host) { return cluster->second.contains(host.first); });
        if (hosted) names.push_back(topic);
    }
    return names;
}

std::size_t route_table::delete_topic(std::string_view topic, std::string_view cluster_name) {
    const std::lock_guard lock(mutex_);
    const auto hosts = topics_.find(topic);
    if (hosts == topics_.end()) return 0;
    std::size_t removed = 0;
    if (cluster_name.empty()) {
        removed = hosts->second.size();
    } else {
        const auto cluster = clusters_.find(cluster_name);
        if (cluster == clusters_.end()) return 0;
        removed = std::erase_if(hosts->second, [&](const auto& host) { return cluster->second.contains(host.first); });
        if (!hosts->second.empty()) return removed;
    }
    topics_.erase(hosts);
    return removed;
}

} // namespace gantry::namesrv
