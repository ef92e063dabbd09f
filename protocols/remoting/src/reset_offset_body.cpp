#include "gantry/protocols/remoting/reset_offset_body.hpp"

#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "gantry/protocols/remoting/json_fields.hpp"
#include "gantry/protocols/remoting/remoting_error.hpp"

namespace gantry::protocols::remoting {

namespace {

using json = nlohmann::json; // std::map objects: keys come out sorted, as fastjson writes beans
using json_fields::to_body_text;

json message_queue_json(const queue_offset& q) {
    return {{"brokerName", q.broker_name}, {"queueId", q.queue_id}, {"topic", q.topic}};
}

// fastjson writes numbers; lenient writers send them as strings.
bool read_int(const json& value, std::int32_t& out) {
    if (value.is_number_integer()) {
        out = value.get<std::int32_t>();
        return true;
    }
    if (!value.is_string()) return false;
    const auto& text = value.get_ref<const std::string&>();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

// A MessageQueue object.
bool read_queue(const json& object, queue_offset& out) {
    if (!object.is_object()) return false;
    const auto topic = object.find("topic");
    const auto broker = object.find("brokerName");
    const auto id = object.find("queueId");
    if (topic == object.end() || !topic->is_string() || id == object.end() || !read_int(*id, out.queue_id))
        return false;
    out.topic = topic->get<std::string>();
    if (broker != object.end() && broker->is_string()) out.broker_name = broker->get<std::string>();
    return !out.topic.empty();
}

// The object-keyed form: a hand-written walk, since no JSON parser takes
// an object as a key. Each key object is cut out and parsed as JSON.
class object_key_reader {
public:
    explicit object_key_reader(std::string_view text) : text_(text) {}

    bool read(std::vector<queue_offset>& out) {
        if (!expect('{') || !skip_key("\"offsetTable\"") || !expect(':') || !expect('{')) return false;
        if (peek() == '}') return true;
        for (;;) {
            queue_offset entry;
            const auto object = next_object();
            if (object.empty()) return false;
            const auto key = json::parse(object, nullptr, false);
            if (key.is_discarded() || !read_queue(key, entry) || !expect(':') || !read_long(entry.offset)) return false;
            out.push_back(std::move(entry));
            skip_space();
            if (peek() == '}') return true;
            if (!expect(',')) return false;
        }
    }

private:
    void skip_space() {
        while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
    }
    char peek() {
        skip_space();
        return at_ < text_.size() ? text_[at_] : '\0';
    }
    bool expect(char c) {
        if (peek() != c) return false;
        ++at_;
        return true;
    }
    bool skip_key(std::string_view key) {
        skip_space();
        if (text_.substr(at_, key.size()) != key) return false;
        at_ += key.size();
        return true;
    }
    // `{...}` from here, strings (and the braces in them) skipped whole;
    // MessageQueue objects do not nest.
    std::string_view next_object() {
        if (peek() != '{') return {};
        const auto start = at_;
        bool in_string = false;
        for (++at_; at_ < text_.size(); ++at_) {
            const char c = text_[at_];
            if (in_string) {
                if (c == '\\') ++at_;
                else if (c == '"') in_string = false;
            } else if (c == '"') {
                in_string = true;
            } else if (c == '{') {
                return {};
            } else if (c == '}') {
                ++at_;
                return text_.substr(start, at_ - start);
            }
        }
        return {};
    }
    bool read_long(std::int64_t& out) {
        skip_space();
        const auto* begin = text_.data() + at_;
        const auto [end, ec] = std::from_chars(begin, text_.data() + text_.size(), out);
        if (ec != std::errc{}) return false;
        at_ += static_cast<std::size_t>(end - begin);
        return true;
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

} // namespace

std::string reset_offset_body(const std::vector<queue_offset>& offsets) {
    std::string out = R"({"offsetTable":{)";
    for (std::size_t i = 0; i < offsets.size(); ++i) {
        if (i > 0) out += ',';
        out += to_body_text(message_queue_json(offsets[i]));
        out += ':';
        out += std::to_string(offsets[i].offset);
    }
    return out + "}}";
}

std::string reset_offset_body_for_c(const std::vector<queue_offset>& offsets) {
    json table = json::array();
    for (const auto& q : offsets) {
        auto entry = message_queue_json(q);
        entry["offset"] = q.offset;
        table.push_back(std::move(entry));
    }
    return to_body_text(json{{"offsetTable", std::move(table)}});
}

result<std::vector<queue_offset>> parse_reset_offset_body(std::string_view text) {
    std::vector<queue_offset> out;
    const auto document = json::parse(text, nullptr, false);
    if (document.is_discarded()) {
        if (!object_key_reader(text).read(out)) return remoting_errc::malformed_body;
        return out;
    }
    // Standard JSON: the C++ form, or an empty Java table.
    if (!document.is_object()) return remoting_errc::malformed_body;
    const auto table = document.find("offsetTable");
    if (table == document.end() || table->is_null()) return out;
    if (table->is_object() && table->empty()) return out;
    if (!table->is_array()) return remoting_errc::malformed_body;
    for (const auto& item : *table) {
        queue_offset entry;
        const auto offset = item.is_object() ? item.find("offset") : item.end();
        if (!read_queue(item, entry) || offset == item.end() || !offset->is_number_integer())
            return remoting_errc::malformed_body;
        entry.offset = offset->get<std::int64_t>();
        out.push_back(std::move(entry));
    }
    return out;
}

result<std::vector<queue_offset>> parse_reset_offset_body(std::span<const std::byte> body) {
    return parse_reset_offset_body(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()));
}

} // namespace gantry::protocols::remoting
