#include "message_encoding.hpp"

#include "client_log.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/store/message_id.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/message_record.hpp"
#include "gantry/store/producer_body.hpp"

namespace gantry::protocols::remoting::client {

namespace {

void add(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out += store::name_value_separator;
    out.append(value);
    out += store::property_separator;
}

} // namespace

std::string encode_properties(const message& m, std::string_view unique_key) {
    std::string out;
    for (const auto& [name, value] : m.properties) add(out, name, value);
    if (!m.tags.empty()) add(out, store::property::tags, m.tags);
    if (!m.keys.empty()) add(out, store::property::keys, m.keys);
    if (m.delay_level > 0) add(out, store::property::delay_level, std::to_string(m.delay_level));
    add(out, store::property::unique_key, unique_key);
    add(out, "WAIT", "true");
    return out;
}

result<std::vector<received_message>> decode_records(std::span<const std::byte> body, const std::string& broker_name) {
    std::vector<received_message> out;
    while (!body.empty()) {
        const auto probe = store::probe_record(body);
        if (probe.kind != store::record_kind::message) return client_errc::malformed_response;
        const auto r = store::decode_record(body.first(static_cast<std::size_t>(probe.size)));
        if (!r) return client_errc::malformed_response;
        received_message m;
        m.topic = r->topic;
        auto sent = store::body_as_sent(*r);
        if (!sent.problem.empty())
            client_log()->warn("message {} of topic '{}' comes with its body as stored: {}", r->physical_offset,
                               r->topic, sent.problem);
        m.body = std::move(sent.bytes);
        m.broker_name = broker_name;
        m.queue_id = r->queue_id;
        m.queue_offset = r->queue_offset;
        m.commit_log_offset = r->physical_offset;
        m.born_timestamp = r->born_timestamp;
        m.store_timestamp = r->store_timestamp;
        m.reconsume_times = r->reconsume_times;
        m.flag = r->flag;
        m.store_host = r->store_host.to_string();
        m.offset_msg_id = store::offset_message_id(r->store_host, r->physical_offset);
        store::for_each_property(r->properties, [&m](std::string_view name, std::string_view value) {
            m.properties.emplace(name, value);
        });
        const auto property = [&m](std::string_view name) {
            const auto it = m.properties.find(std::string(name));
            return it == m.properties.end() ? std::string() : it->second;
        };
        m.tags = property(store::property::tags);
        m.keys = property(store::property::keys);
        m.msg_id = property(store::property::unique_key);
        if (m.msg_id.empty()) m.msg_id = m.offset_msg_id;
        out.push_back(std::move(m));
        body = body.subspan(static_cast<std::size_t>(probe.size));
    }
    return out;
}

} // namespace gantry::protocols::remoting::client
