#include "gantry/namesrv/register_broker_body.hpp"

#include "gantry/store/message_record.hpp"
#include "gantry/store/zlib_stream.hpp"


#include <algorithm>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "data_version_json.hpp"
#include "gantry/namesrv/namesrv_error.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/json_fields.hpp"

namespace gantry::namesrv {

namespace {

using json = nlohmann::json;
using protocols::remoting::json_fields::as_bool;
using protocols::remoting::json_fields::as_int;
using protocols::remoting::json_fields::read_optional;

constexpr std::string_view single_tag = "SINGLE_TAG";
constexpr std::string_view multi_tag = "MULTI_TAG";

std::optional<topic_filter_type> filter_type_from(const json& value) {
    if (value.is_string()) {
        const auto& name = value.get_ref<const std::string&>();
        if (name == single_tag) return topic_filter_type::single_tag;
        if (name == multi_tag) return topic_filter_type::multi_tag;
        return std::nullopt;
    }
    const auto ordinal = as_int(value);
    if (ordinal == 0) return topic_filter_type::single_tag;
    if (ordinal == 1) return topic_filter_type::multi_tag;
    return std::nullopt;
}

std::optional<std::string> text_from(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    return std::nullopt;
}

std::optional<topic_config> topic_from(const std::string& key, const json& value) {
    if (!value.is_object()) return std::nullopt;
    topic_config topic;
    topic.topic_name = key;
    const bool ok = read_optional(value, "topicName", topic.topic_name, text_from) &&
                    read_optional(value, "readQueueNums", topic.read_queue_nums, as_int) &&
                    read_optional(value, "writeQueueNums", topic.write_queue_nums, as_int) &&
                    read_optional(value, "perm", topic.perm, as_int) &&
                    read_optional(value, "topicFilterType", topic.filter_type, filter_type_from) &&
                    read_optional(value, "topicSysFlag", topic.topic_sys_flag, as_int) &&
                    read_optional(value, "order", topic.order, as_bool);
    if (!ok) return std::nullopt;
    return topic;
}

result<broker_registration> parse_json_body(std::span<const std::byte> body) {
    const auto* text = reinterpret_cast<const char*>(body.data());
    const auto root = json::parse(text, text + body.size(), nullptr, false);
    if (root.is_discarded() || !root.is_object()) return namesrv_errc::malformed_register_body;
    broker_registration registration;
    if (const auto servers = root.find("filterServerList"); servers != root.end() && !servers->is_null()) {
        if (!servers->is_array()) return namesrv_errc::malformed_register_body;
        for (const auto& server : *servers) {
            if (!server.is_string()) return namesrv_errc::malformed_register_body;
            registration.filter_servers.push_back(server.get<std::string>());
        }
    }
    const auto wrapper = root.find("topicConfigSerializeWrapper");
    if (wrapper == root.end() || wrapper->is_null()) return registration;
    if (!wrapper->is_object() || !read_optional(*wrapper, "dataVersion", registration.version, parse_data_version)) {
        return namesrv_errc::malformed_register_body;
    }
    const auto table = wrapper->find("topicConfigTable");
    if (table == wrapper->end() || table->is_null()) return registration;
    if (!table->is_object()) return namesrv_errc::malformed_register_body;
    for (const auto& [key, value] : table->items()) {
        if (value.is_null()) continue;
        auto topic = topic_from(key, value);
        if (!topic) return namesrv_errc::malformed_register_body;
        registration.topics.push_back(std::move(*topic));
    }
    return registration;
}

result<std::string> inflate_body(std::span<const std::byte> body) {
    auto inflated = store::inflate_zlib(body, max_inflated_register_body);
    switch (inflated.result) {
    case store::inflated_stream::outcome::inflated: return std::move(inflated.bytes);
    case store::inflated_stream::outcome::too_large: return namesrv_errc::register_body_too_large;
    case store::inflated_stream::outcome::malformed: break;
    }
    return namesrv_errc::malformed_register_body;
}

// Big-endian length-prefixed pieces of the inflated body.
class piece_reader {
public:
    explicit piece_reader(std::string_view data) : data_(data) {}

    std::optional<std::int32_t> int32() {
        if (data_.size() < 4) return std::nullopt;
        std::uint32_t value = 0;
        for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(data_[i]);
        data_.remove_prefix(4);
        return static_cast<std::int32_t>(value);
    }

    std::optional<std::string_view> piece() {
        const auto length = int32();
        if (!length || *length < 0 || static_cast<std::size_t>(*length) > data_.size()) return std::nullopt;
        const auto out = data_.substr(0, static_cast<std::size_t>(*length));
        data_.remove_prefix(out.size());
        return out;
    }

private:
    std::string_view data_;
};

// TopicConfig.encode(): "<name> <read> <write> <perm> <filterType>", 5.x
// appending its attributes as a sixth part (ignored).
std::optional<topic_config> topic_from_text(std::string_view text) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const auto space = text.find(' ', start);
        parts.push_back(text.substr(start, space - start));
        if (space == std::string_view::npos) break;
        start = space + 1;
    }
    if (parts.size() < 5) return std::nullopt;
    using protocols::remoting::parse_java_int;
    const auto read = parse_java_int(parts[1]);
    const auto write = parse_java_int(parts[2]);
    const auto perm = parse_java_int(parts[3]);
    const auto filter = filter_type_from(json(std::string(parts[4])));
    if (!read || !write || !perm || !filter || parts[0].empty()) return std::nullopt;
    topic_config topic;
    topic.topic_name = std::string(parts[0]);
    topic.read_queue_nums = *read;
    topic.write_queue_nums = *write;
    topic.perm = *perm;
    topic.filter_type = *filter;
    return topic;
}

result<broker_registration> parse_compressed_body(std::span<const std::byte> body) {
    auto inflated = inflate_body(body);
    if (!inflated) return inflated.error();
    piece_reader reader(*inflated);
    broker_registration registration;
    const auto version_text = reader.piece();
    if (!version_text) return namesrv_errc::malformed_register_body;
    const auto version = parse_data_version(json::parse(*version_text, nullptr, false));
    const auto count = reader.int32();
    if (!version || !count || *count < 0) return namesrv_errc::malformed_register_body;
    registration.version = *version;
    for (std::int32_t i = 0; i < *count; ++i) {
        const auto text = reader.piece();
        if (!text) return namesrv_errc::malformed_register_body;
        auto topic = topic_from_text(*text);
        if (!topic) return namesrv_errc::malformed_register_body;
        registration.topics.push_back(std::move(*topic));
    }
    const auto servers_text = reader.piece();
    if (!servers_text) return namesrv_errc::malformed_register_body;
    const auto servers = json::parse(*servers_text, nullptr, false);
    if (servers.is_null()) return registration;
    if (!servers.is_array()) return namesrv_errc::malformed_register_body;
    for (const auto& server : servers) {
        if (!server.is_string()) return namesrv_errc::malformed_register_body;
        registration.filter_servers.push_back(server.get<std::string>());
    }
    return registration;
}

} // namespace

std::string encode_register_broker_body(const broker_registration& registration) {
    json table = json::object();
    for (const auto& topic : registration.topics) {
        table[topic.topic_name] = {
            {"order", topic.order},
            {"perm", topic.perm},
            {"readQueueNums", topic.read_queue_nums},
            {"topicFilterType", topic.filter_type == topic_filter_type::multi_tag ? multi_tag : single_tag},
            {"topicName", topic.topic_name},
            {"topicSysFlag", topic.topic_sys_flag},
            {"writeQueueNums", topic.write_queue_nums}};
    }
    const json body = {{"filterServerList", registration.filter_servers},
                       {"topicConfigSerializeWrapper",
                        {{"dataVersion", data_version_json(registration.version)}, {"topicConfigTable", table}}}};
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

result<broker_registration> parse_register_broker_body(std::span<const std::byte> body, bool compressed) {
    return compressed ? parse_compressed_body(body) : parse_json_body(body);
}

protocols::remoting::remoting_command make_register_broker_request(const broker_registration& registration) {
    protocols::remoting::remoting_command request;
    request.code = protocols::remoting::request_code::register_broker;
    const auto body = encode_register_broker_body(registration);
    const auto* bytes = reinterpret_cast<const std::byte*>(body.data());
    request.body.assign(bytes, bytes + body.size());
    request.set_ext("brokerAddr", registration.broker_addr);
    request.set_ext("brokerId", std::to_string(registration.broker_id));
    request.set_ext("brokerName", registration.broker_name);
    request.set_ext("clusterName", registration.cluster_name);
    request.set_ext("haServerAddr", registration.ha_server_addr);
    request.set_ext("compressed", "false");
    request.set_ext("bodyCrc32", std::to_string(store::body_crc32(request.body)));
    return request;
}

protocols::remoting::remoting_command make_unregister_broker_request(const std::string& cluster_name,
                                                                     const std::string& broker_name,
                                                                     const std::string& broker_addr,
                                                                     std::int64_t broker_id) {
    protocols::remoting::remoting_command request;
    request.code = protocols::remoting::request_code::unregister_broker;
    request.set_ext("brokerAddr", broker_addr);
    request.set_ext("brokerId", std::to_string(broker_id));
    request.set_ext("brokerName", broker_name);
    request.set_ext("clusterName", cluster_name);
    return request;
}

} // namespace gantry::namesrv
