#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gantry/engine/delivery.hpp"
#include "gantry/engine/message.hpp"
#include "gantry/engine/operation_context.hpp"
#include "gantry/engine/result.hpp"

namespace gantry::engine {

struct append_receipt;

// A page of retained messages whose names match a filter. A message's name
// is its topic, then '/' and its tag when it has one (an MQTT topic name:
// docs/message-model.md, "Retained messages").
struct retained_query {
    // Levels split on '/': '+' is one level, '#' (last) the rest including
    // none; a first-level wildcard skips hidden names (is_hidden_topic),
    // as MQTT's rule for '$' names asks.
    std::string filter;
    // Continue after this name (the previous page's `next`); nothing: from the start.
    std::optional<std::string> after;
    std::size_t max_messages = 32;
};

struct retained_page {
    std::vector<delivery> messages;  // in name order; not settled (no group holds them)
    std::optional<std::string> next; // where the next page starts; nothing: this was the last
};

// The last retained message of every name (MQTT's retained messages, usable
// by any protocol). A retained message is an ordinary commit-log record
// that the engine also indexes by name; its payload stays in the log.
class retained_store {
public:
    virtual ~retained_store() = default;

    // Appends `msg` as facade::append does (subscribers get it as usual) and
    // makes it the retained message of its name; an empty body removes the
    // name's retained message instead. Completes once stored durably.
    virtual void retain(const operation_context& ctx, message msg,
                        std::function<void(result<append_receipt>)> done) = 0;
    // Reads what is retained under names matching the query, skipping
    // records that retention deleted or that have expired. Fails with
    // invalid_filter for a misplaced wildcard.
    virtual result<retained_page> find_retained(const retained_query& query) = 0;
    virtual std::size_t retained_count() const = 0;
};

} // namespace gantry::engine
