#include "stomp_mapping.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "gantry/protocols/naming/topic_names.hpp"

namespace gantry::protocols::stomp {

namespace {

class mapping_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.stomp.mapping"; }
    std::string message(int value) const override {
        switch (static_cast<mapping_errc>(value)) {
        case mapping_errc::unknown_destination:
            return "destinations start with /queue/, /topic/, /temp-queue/ or /temp-topic/";
        case mapping_errc::empty_destination: return "the destination names no queue or topic after its prefix";
        case mapping_errc::invalid_expires: return "expires must be milliseconds since the epoch (0: never)";
        case mapping_errc::invalid_priority: return "priority must be a number from 0 to 9";
        case mapping_errc::invalid_persistent: return "persistent must be true or false";
        }
        return "unknown STOMP mapping error";
    }
};

struct prefix {
    std::string_view text;
    destination_kind kind;
};
constexpr std::array<prefix, 4> prefixes{{{"/queue/", destination_kind::queue},
                                          {"/topic/", destination_kind::topic},
                                          {"/temp-queue/", destination_kind::temp_queue},
                                          {"/temp-topic/", destination_kind::temp_topic}}};

// Headers that steer the frame or map onto a field of the message; every
// other header of a SEND is an application property.
bool is_frame_header(std::string_view name) {
    constexpr std::array<std::string_view, 12> names{"destination", "transaction", "receipt",  "content-length",
                                                     "content-type", "correlation-id", "reply-to", "expires",
                                                     "priority",     "persistent",     "type",     "message-id"};
    return std::find(names.begin(), names.end(), name) != names.end();
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

} // namespace

const std::error_category& mapping_category() noexcept {
    static const mapping_category_impl category;
    return category;
}

std::string destination::text() const {
    for (const auto& p : prefixes)
        if (p.kind == kind) return std::string(p.text) + name;
    return name;
}

result<destination> parse_destination(std::string_view text) {
    for (const auto& p : prefixes) {
        if (!text.starts_with(p.text)) continue;
        if (text.size() == p.text.size()) return mapping_errc::empty_destination;
        return destination{p.kind, std::string(text.substr(p.text.size()))};
    }
    return mapping_errc::unknown_destination;
}

std::string destination_name(const engine::message& msg, char separator) {
    auto name = naming::to_hierarchical_name(msg);
    std::replace(name.begin(), name.end(), '/', separator);
    return name;
}

result<engine::message> to_engine_message(stomp_frame&& send, const engine_route& route,
                                          const std::function<std::string(std::string_view)>& resolve_reply_to) {
    engine::message msg;
    // "a." keeps its empty last level, as MQTT's "a/" does.
    route.address(msg);
    msg.body = std::move(send.body);
    bool seen_persistent = false;
    for (auto& [name, value] : send.headers) {
        if (!is_frame_header(name)) {
            msg.properties.emplace_back(std::move(name), std::move(value));
            continue;
        }
        // Repeated frame headers: the first counts (STOMP 1.2).
        if (send.header(name) != &value) continue;
        if (name == "content-type") {
            msg.content_type = std::move(value);
        } else if (name == "correlation-id") {
            msg.correlation_id = std::move(value);
        } else if (name == "reply-to") {
            msg.reply_to = resolve_reply_to(value);
        } else if (name == "type") {
            msg.type = std::move(value);
        } else if (name == "message-id") {
            msg.message_id = std::move(value);
        } else if (name == "expires") {
            if (!parse_number(value, msg.expires_at_ms) || msg.expires_at_ms < 0) return mapping_errc::invalid_expires;
        } else if (name == "priority") {
            if (!parse_number(value, msg.priority) || msg.priority < 0 || msg.priority > 9)
                return mapping_errc::invalid_priority;
        } else if (name == "persistent") {
            if (value != "true" && value != "false") return mapping_errc::invalid_persistent;
            msg.durable = value == "true";
            seen_persistent = true;
        }
    }
    if (!seen_persistent) msg.durable = true;
    return msg;
}

stomp_frame to_message_frame(engine::delivery&& d, std::string destination_header) {
    auto& msg = d.msg;
    stomp_frame frame;
    frame.command = stomp_command::message;
    frame.headers.reserve(12 + msg.properties.size());
    frame.add("destination", std::move(destination_header));
    frame.add("message-id", msg.message_id);
    if (!msg.content_type.empty()) frame.add("content-type", msg.content_type);
    frame.add("content-length", std::to_string(msg.body.size()));
    if (!msg.correlation_id.empty()) frame.add("correlation-id", msg.correlation_id);
    if (!msg.reply_to.empty()) frame.add("reply-to", msg.reply_to);
    if (msg.expires_at_ms > 0) frame.add("expires", std::to_string(msg.expires_at_ms));
    if (msg.priority != engine::message::unset_priority) frame.add("priority", std::to_string(msg.priority));
    frame.add("persistent", msg.durable ? "true" : "false");
    if (!msg.type.empty()) frame.add("type", msg.type);
    frame.add("timestamp", std::to_string(msg.born_time_ms));
    if (d.delivery_count > 1) {
        frame.add("redelivered", "true");
        frame.add("JMSXDeliveryCount", std::to_string(d.delivery_count));
    }
    for (auto& [name, value] : msg.properties)
        if (name != naming::bridge_hop_property) frame.add(std::move(name), std::move(value));
    frame.body = std::move(msg.body);
    return frame;
}

} // namespace gantry::protocols::stomp
