#include "terminus_filter.hpp"

#include <cstdint>
#include <string_view>

namespace gantry::protocols::amqp {

namespace {

// Descriptors of the filters registered at the AMQP filter registry.
constexpr std::string_view selector_symbol = "apache.org:selector-filter:string";
constexpr std::uint64_t selector_code = 0x0000468C00000004;
constexpr std::string_view topic_binding_symbol = "apache.org:legacy-amqp-topic-binding:string";
constexpr std::uint64_t topic_binding_code = 0x0000468C00000001;

std::string_view text(pn_bytes_t bytes) { return {bytes.start, bytes.size}; }

enum class filter_kind { unknown, selector, legacy_topic_binding };

// At a described value: its descriptor names which filter it is.
filter_kind kind_of(pn_data_t* data) {
    pn_data_enter(data);
    auto kind = filter_kind::unknown;
    if (pn_data_next(data)) {
        if (pn_data_type(data) == PN_SYMBOL) {
            const auto name = text(pn_data_get_symbol(data));
            if (name == selector_symbol) kind = filter_kind::selector;
            if (name == topic_binding_symbol) kind = filter_kind::legacy_topic_binding;
        } else if (pn_data_type(data) == PN_ULONG) {
            const auto code = pn_data_get_ulong(data);
            if (code == selector_code) kind = filter_kind::selector;
            if (code == topic_binding_code) kind = filter_kind::legacy_topic_binding;
        }
    }
    pn_data_exit(data);
    return kind;
}

} // namespace

std::optional<filter_refusal> read_terminus_filter(pn_data_t* filter, terminus_filter& out) {
    pn_data_rewind(filter);
    if (!pn_data_next(filter)) return std::nullopt;
    if (pn_data_type(filter) != PN_MAP) return filter_refusal{"amqp:decode-error", "the source's filter is not a map"};
    pn_data_enter(filter);
    std::optional<filter_refusal> refusal;
    while (!refusal && pn_data_next(filter)) {
        const bool key_is_symbol = pn_data_type(filter) == PN_SYMBOL;
        const std::string key = key_is_symbol ? std::string(text(pn_data_get_symbol(filter))) : std::string();
        if (!pn_data_next(filter)) break;
        if (!key_is_symbol || pn_data_type(filter) != PN_DESCRIBED) continue;
        switch (kind_of(filter)) {
        case filter_kind::selector: {
            pn_data_enter(filter);
            pn_data_next(filter); // the descriptor
            if (!pn_data_next(filter) || pn_data_type(filter) != PN_STRING) {
                refusal = filter_refusal{"amqp:decode-error", "the selector filter's value is not a string"};
            } else {
                out.selector_key = key;
                out.selector = std::string(text(pn_data_get_string(filter)));
            }
            pn_data_exit(filter);
            break;
        }
        case filter_kind::legacy_topic_binding:
            refusal = filter_refusal{"amqp:not-implemented",
                                     "legacy topic binding filters are not supported: address a topic as "
                                     "'topic://name' (MQTT wildcards '+' and '#' allowed)"};
            break;
        case filter_kind::unknown: break;
        }
    }
    pn_data_exit(filter);
    return refusal;
}

void write_terminus_filter(pn_data_t* filter, const terminus_filter& applied) {
    pn_data_clear(filter);
    if (applied.selector.empty()) return;
    pn_data_put_map(filter);
    pn_data_enter(filter);
    pn_data_put_symbol(filter, pn_bytes(applied.selector_key.size(), applied.selector_key.data()));
    pn_data_put_described(filter);
    pn_data_enter(filter);
    pn_data_put_symbol(filter, pn_bytes(selector_symbol.size(), selector_symbol.data()));
    pn_data_put_string(filter, pn_bytes(applied.selector.size(), applied.selector.data()));
    pn_data_exit(filter);
    pn_data_exit(filter);
}

} // namespace gantry::protocols::amqp
