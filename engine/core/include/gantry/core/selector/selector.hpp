#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "gantry/core/selector/selector_error.hpp"
#include "gantry/core/selector/selector_subject.hpp"
#include "gantry/core/selector/truth.hpp"
#include "gantry/engine/result.hpp"

namespace gantry::core {

// Bounds on what a client may send, so hostile input cannot exhaust the
// stack or the parser's time.
struct selector_limits {
    std::size_t max_length = 4096; // bytes of selector text
    int max_depth = 64;            // nesting of parentheses and operators
};

class selector_program;

// A compiled JMS / SQL92 message selector (docs/selectors.md): one engine
// for JMS, STOMP and AMQP selectors and RocketMQ's SQL92 filter. Immutable
// once compiled; copies share the compiled form, and evaluate() may run on
// any number of threads at once. Evaluation does not allocate.
class selector {
public:
    // Matches every message: what an empty JMS selector means.
    selector() = default;

    // Compiles `text`; an empty or blank text gives the match-all selector.
    // On failure `diagnostic` says where and why.
    static result<selector> compile(std::string_view text, selector_diagnostic& diagnostic,
                                    const selector_limits& limits = {});
    static result<selector> compile(std::string_view text, const selector_limits& limits = {});

    bool matches_all() const noexcept { return program_ == nullptr; }

    // True, false or unknown; a message is selected only when true.
    truth evaluate(const selector_subject& subject) const noexcept;
    bool matches(const selector_subject& subject) const noexcept {
        return evaluate(subject) == truth::true_value;
    }

    // The text as compiled (empty for match-all).
    std::string_view text() const noexcept;

private:
    explicit selector(std::shared_ptr<const selector_program> program) : program_(std::move(program)) {}

    std::shared_ptr<const selector_program> program_;
};

} // namespace gantry::core
