#include "consumer_registry.hpp"

#include <algorithm>
#include <utility>

#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "remoting_log.hpp"

namespace gantry::protocols::remoting {

namespace {

bool same_connection(const std::weak_ptr<common::connection>& a, const std::weak_ptr<common::connection>& b) {
    return !a.owner_before(b) && !b.owner_before(a);
}

// Java's ConsumerGroupInfo.updateSubscription: a new or vanished topic is a
// change (clients rebalance); a newer subVersion only replaces the entry.
bool update_subscriptions(std::map<std::string, subscription_data>& table,
                          const std::vector<subscription_data>& subs) {
    bool changed = false;
    for (const auto& sub : subs) {
        const auto it = table.find(sub.topic);
        if (it == table.end()) {
            table.emplace(sub.topic, sub);
            changed = true;
        } else if (sub.sub_version > it->second.sub_version) {
            it->second = sub;
        }
    }
    for (auto it = table.begin(); it != table.end();) {
        const bool kept = std::any_of(subs.begin(), subs.end(), [&](const auto& s) { return s.topic == it->first; });
        if (kept) {
            ++it;
        } else {
            it = table.erase(it);
            changed = true;
        }
    }
    return changed;
}

} // namespace

consumer_registry::consumer_registry(std::chrono::milliseconds expiry) : expiry_(expiry) {}

void consumer_registry::heartbeat(const heartbeat_data& data, const std::weak_ptr<common::connection>& conn,
                                  client_info client, const std::set<std::string>& quiet) {
    std::vector<notice> notices;
    {
        const auto now = clock::now();
        std::lock_guard lock(mutex_);
        expire_locked(now, notices);
        for (const auto& consumer : data.consumers) {
            if (consumer.group_name.empty() || data.client_id.empty()) continue;
            auto& group = groups_[consumer.group_name];
            auto [it, joined] = group.members.try_emplace(data.client_id, member{conn, now, client});
            // A client that reconnected is a new channel to Java, too.
            bool changed = joined || !same_connection(it->second.conn, conn);
            it->second = member{conn, now, client};
            group.model = consumer.model;
            changed = update_subscriptions(group.subscriptions, consumer.subscriptions) || changed;
            if (changed && !quiet.contains(consumer.group_name)) changed_locked(consumer.group_name, notices);
        }
    }
    send(notices);
}

void consumer_registry::unregister(const std::string& client_id, const std::string& group, bool notify) {
    std::vector<notice> notices;
    {
        std::lock_guard lock(mutex_);
        expire_locked(clock::now(), notices);
        const auto it = groups_.find(group);
        if (it != groups_.end() && it->second.members.erase(client_id) > 0) {
            const auto before = notices.size();
            changed_locked(group, notices);
            if (!notify) notices.resize(before);
        }
    }
    send(notices);
}

void consumer_registry::connection_closed(const std::weak_ptr<common::connection>& conn) {
    std::vector<notice> notices;
    {
        std::lock_guard lock(mutex_);
        expire_locked(clock::now(), notices);
        std::vector<std::string> changed;
        for (auto& [name, group] : groups_) {
            const auto removed = std::erase_if(group.members, [&](const auto& m) {
                return same_connection(m.second.conn, conn);
            });
            if (removed > 0) changed.push_back(name);
        }
        for (const auto& name : changed) changed_locked(name, notices);
    }
    send(notices);
}

std::vector<std::string> consumer_registry::consumer_ids(const std::string& group) {
    std::vector<notice> notices;
    std::vector<std::string> ids;
    {
        std::lock_guard lock(mutex_);
        expire_locked(clock::now(), notices);
        if (const auto it = groups_.find(group); it != groups_.end())
            for (const auto& [id, m] : it->second.members) ids.push_back(id); // a std::map: sorted
    }
    send(notices);
    return ids;
}

std::optional<subscription_data> consumer_registry::find_subscription(const std::string& group,
                                                                      const std::string& topic) {
    std::vector<notice> notices;
    std::optional<subscription_data> found;
    {
        std::lock_guard lock(mutex_);
        expire_locked(clock::now(), notices);
        if (const auto g = groups_.find(group); g != groups_.end())
            if (const auto s = g->second.subscriptions.find(topic); s != g->second.subscriptions.end())
                found = s->second;
    }
    send(notices);
    return found;
}

bool consumer_registry::broadcasting(const std::string& group) {
    std::vector<notice> notices;
    bool found = false;
    {
        std::lock_guard lock(mutex_);
        expire_locked(clock::now(), notices);
        if (const auto it = groups_.find(group); it != groups_.end())
            found = it->second.model == message_model::broadcasting;
    }
    send(notices);
    return found;
}

std::vector<consumer_registry::member_channel> consumer_registry::members(const std::string& group) {
    std::vector<notice> notices;
    std::vector<member_channel> found;
    {
        std::lock_guard lock(mutex_);
        expire_locked(clock::now(), notices);
        if (const auto it = groups_.find(group); it != groups_.end())
            for (const auto& [id, m] : it->second.members) found.push_back({id, m.client, m.conn});
    }
    send(notices);
    return found;
}

std::vector<consumer_registry::online_group> consumer_registry::online_groups() {
    std::vector<notice> notices;
    std::vector<online_group> found;
    {
        std::lock_guard lock(mutex_);
        expire_locked(clock::now(), notices);
        for (const auto& [name, group] : groups_) // a group leaves with its last member
            found.push_back({name, group.members.size(), group.model == message_model::clustering});
    }
    send(notices);
    return found;
}

void consumer_registry::expire_locked(clock::time_point now, std::vector<notice>& notices) {
    std::vector<std::string> changed;
    for (auto& [name, group] : groups_) {
        const auto removed = std::erase_if(group.members, [&](const auto& m) {
            return m.second.conn.expired() || now - m.second.last_heartbeat > expiry_;
        });
        if (removed > 0) changed.push_back(name);
    }
    for (const auto& name : changed) changed_locked(name, notices);
}

void consumer_registry::changed_locked(const std::string& group, std::vector<notice>& notices) {
    const auto it = groups_.find(group);
    if (it == groups_.end()) return;
    if (it->second.members.empty()) {
        // Java forgets a group with its last member, subscriptions included.
        groups_.erase(it);
        return;
    }
    notice n{group, {}};
    for (const auto& [id, m] : it->second.members) n.targets.push_back(m.conn);
    notices.push_back(std::move(n));
}

void consumer_registry::send(const std::vector<notice>& notices) {
    for (const auto& n : notices) {
        for (const auto& target : n.targets) {
            remoting_command request;
            request.code = request_code::notify_consumer_ids_changed;
            request.set_ext("consumerGroup", n.group);
            send_oneway(target, std::move(request));
        }
    }
}

bool consumer_registry::send_oneway(const std::weak_ptr<common::connection>& target, remoting_command request) {
    const auto conn = target.lock();
    if (!conn) return false;
    request.flag = oneway_flag;
    request.opaque = next_opaque_.fetch_add(1, std::memory_order_relaxed);
    // Every client reads JSON headers; the C++ client reads nothing else.
    request.serialization = serialization_type::json;
    auto frame = codec_.encode(request);
    if (!frame) {
        remoting_log()->error("cannot encode the broker's request {} to a consumer: {}", request.code,
                              frame.error().message());
        return false;
    }
    asio::post(conn->executor(), [target, bytes = std::move(*frame)]() mutable {
        if (const auto c = target.lock(); c && c->is_open()) c->send(std::move(bytes));
    });
    return true;
}

} // namespace gantry::protocols::remoting
