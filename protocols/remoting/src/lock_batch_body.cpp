#include "lock_batch_body.hpp"

#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "json_members.hpp"

namespace gantry::protocols::remoting {

namespace {

using json = nlohmann::json; // std::map objects: keys come out sorted, as fastjson writes beans
using json_members::member;
using json_members::shape_error;
using json_members::text;

std::int32_t queue_id(const json& object) {
    const auto* value = member(object, "queueId");
    if (!value) return 0;
    std::optional<std::int64_t> n;
    if (value->is_number_integer()) {
        n = value->get<std::int64_t>();
    } else if (value->is_string()) {
        const auto& digits = value->get_ref<const std::string&>();
        std::int64_t parsed = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
        if (ec == std::errc{} && end == digits.data() + digits.size()) n = parsed;
    }
    if (!n || *n < std::numeric_limits<std::int32_t>::min() || *n > std::numeric_limits<std::int32_t>::max())
        throw shape_error{};
    return static_cast<std::int32_t>(*n);
}

message_queue read_queue(const json& object) {
    if (!object.is_object()) throw shape_error{};
    return {text(object, "topic"), text(object, "brokerName"), queue_id(object)};
}

} // namespace

result<lock_batch_request> parse_lock_batch_request(std::span<const std::byte> body) {
    const auto* first = reinterpret_cast<const char*>(body.data());
    const auto parsed = json::parse(first, first + body.size(), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return remoting_errc::malformed_body;
    try {
        lock_batch_request request{text(parsed, "consumerGroup"), text(parsed, "clientId"), {}};
        if (const auto* queues = member(parsed, "mqSet")) {
            if (!queues->is_array()) throw shape_error{};
            for (const auto& queue : *queues) request.queues.push_back(read_queue(queue));
        }
        return request;
    } catch (const shape_error&) {
        return remoting_errc::malformed_body;
    }
}

std::string lock_ok_json(const std::vector<message_queue>& queues) {
    auto list = json::array();
    for (const auto& queue : queues)
        list.push_back({{"brokerName", queue.broker_name}, {"queueId", queue.queue_id}, {"topic", queue.topic}});
    // Names are the clients' own text; keep invalid UTF-8 from failing the dump.
    return json{{"lockOKMQSet", std::move(list)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace gantry::protocols::remoting
