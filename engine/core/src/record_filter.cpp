#include "gantry/core/record_filter.hpp"

#include <charconv>

#include "gantry/core/message_codec.hpp"
#include "gantry/store/message_properties.hpp"

namespace gantry::core {

namespace {

// A stored record as a selector sees it: application properties by name
// (strings; numeric comparison converts them, docs/selectors.md) and the JMS
// headers from the model's fields (docs/message-model.md).
class record_subject final : public selector_subject {
public:
    explicit record_subject(const store::decoded_record& record) : record_(record) {}

    selector_value property(std::string_view name) const override {
        if (name.starts_with("JMS")) return header(name);
        if (is_reserved_property(name)) {
            if (auto v = store::find_property(record_.properties, std::string(header::escaped_prefix) + std::string(name)))
                return selector_value::string(*v);
            return {};
        }
        if (auto v = store::find_property(record_.properties, name)) return selector_value::string(*v);
        return {};
    }

private:
    selector_value header(std::string_view name) const {
        const auto props = record_.properties;
        if (name == "JMSPriority") {
            int priority = engine::message::default_priority;
            if (auto v = store::find_property(props, header::priority))
                std::from_chars(v->data(), v->data() + v->size(), priority);
            return selector_value::integer(priority);
        }
        if (name == "JMSTimestamp") return selector_value::integer(record_.born_timestamp);
        if (name == "JMSDeliveryMode") {
            const auto durable = store::find_property(props, header::durable);
            return selector_value::string(durable && *durable == "false" ? "NON_PERSISTENT" : "PERSISTENT");
        }
        if (name == "JMSMessageID") return optional_string(store::find_property(props, store::property::unique_key));
        if (name == "JMSCorrelationID") return optional_string(store::find_property(props, header::correlation_id));
        if (name == "JMSType") return optional_string(store::find_property(props, header::message_type));
        return optional_string(store::find_property(props, name));
    }

    static selector_value optional_string(std::optional<std::string_view> v) {
        return v ? selector_value::string(*v) : selector_value{};
    }

    const store::decoded_record& record_;
};

} // namespace

result<record_filter> record_filter::compile(engine::filter_language language, std::string_view text,
                                             selector_diagnostic& diagnostic, std::string_view selector_text) {
    if (language == engine::filter_language::sql92) {
        if (!selector_text.empty()) {
            diagnostic = {make_error_code(selector_errc::syntax_error), 0, 0,
                          "a SQL92 filter cannot take a second selector"};
            return diagnostic.code;
        }
        auto sel = selector::compile(text, diagnostic);
        if (!sel) return sel.error();
        return record_filter(tag_expression::parse("*"), std::move(*sel));
    }
    std::optional<selector> sel;
    if (!selector_text.empty()) {
        auto compiled = selector::compile(selector_text, diagnostic);
        if (!compiled) return compiled.error();
        sel = std::move(*compiled);
    }
    if (language == engine::filter_language::tag) return record_filter(tag_expression::parse(text), std::move(sel));
    if (auto problem = mqtt_filter::problem(text)) {
        diagnostic = {make_error_code(selector_errc::syntax_error), 0, 0, "MQTT topic filter: " + *problem};
        return diagnostic.code;
    }
    return record_filter(tag_expression::parse("*"), std::move(sel), mqtt_filter(text));
}

bool record_filter::matches_record(const store::decoded_record& record) const {
    if (mqtt_) {
        std::optional<std::string_view> rest = store::find_property(record.properties, store::property::tags);
        if (!rest && store::find_property(record.properties, mqtt_filter::trailing_level_property)) rest = "";
        if (!mqtt_->matches(rest)) return false;
    }
    return !selector_ || selector_->matches(record_subject(record));
}

} // namespace gantry::core
