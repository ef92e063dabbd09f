#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gantry/core/mqtt_filter.hpp"
#include "gantry/core/selector/selector.hpp"
#include "gantry/core/selector/selector_error.hpp"
#include "gantry/core/selector/tag_expression.hpp"
#include "gantry/engine/result.hpp"
#include "gantry/engine/subscription_options.hpp"
#include "gantry/store/message_store.hpp"

namespace gantry::core {

// A subscription's filter applied to stored records: a tag expression, which
// the store checks against consume-queue tag codes without reading records,
// a SQL92 selector over the record's properties and JMS headers, or an MQTT
// topic filter over the tag (mqtt_filter).
class record_filter final : public store::message_filter {
public:
    // Fails with the selector's error; `diagnostic` says where and why.
    // `selector` (SQL92, "" for none) must match too, whatever `language` is.
    static result<record_filter> compile(engine::filter_language language, std::string_view text,
                                         selector_diagnostic& diagnostic, std::string_view selector = {});

    bool matches_all() const noexcept {
        return tags_.matches_all() && (!selector_ || selector_->matches_all()) && (!mqtt_ || mqtt_->matches_all());
    }
    bool matches_tag_code(std::int64_t tag_code) const override { return tags_.matches_tag_code(tag_code); }
    bool matches_record(const store::decoded_record& record) const override;

private:
    record_filter(tag_expression tags, std::optional<selector> sel, std::optional<mqtt_filter> mqtt = std::nullopt)
        : tags_(std::move(tags)), selector_(std::move(sel)), mqtt_(std::move(mqtt)) {}

    tag_expression tags_;
    std::optional<selector> selector_;
    std::optional<mqtt_filter> mqtt_;
};

} // namespace gantry::core
