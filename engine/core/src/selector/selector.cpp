#include "gantry/core/selector/selector.hpp"

#include <algorithm>
#include <string>

#include "selector_parser.hpp"
#include "selector_program.hpp"

namespace gantry::core {

namespace {

bool is_blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; });
}

// Clients count characters, not UTF-8 bytes: report code points.
std::size_t code_points_before(std::string_view text, std::size_t byte_offset) {
    const std::string_view head = text.substr(0, byte_offset);
    return static_cast<std::size_t>(
        std::count_if(head.begin(), head.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

} // namespace

result<selector> selector::compile(std::string_view text, selector_diagnostic& diagnostic,
                                   const selector_limits& limits) {
    auto refuse = [&](selector_errc code, std::size_t byte_offset, std::string reason) -> result<selector> {
        diagnostic.code = code;
        diagnostic.byte_offset = byte_offset;
        diagnostic.position = code_points_before(text, byte_offset);
        diagnostic.reason = std::move(reason);
        return diagnostic.code;
    };
    if (text.size() > limits.max_length)
        return refuse(selector_errc::too_long, limits.max_length,
                      "selector is " + std::to_string(text.size()) + " bytes long; the limit is " +
                          std::to_string(limits.max_length));
    if (is_blank(text)) return selector();

    auto program = std::make_shared<selector_program>(std::string(text));
    selector_parser parser(*program, limits);
    if (!parser.parse()) {
        const parse_failure& failure = parser.failure();
        return refuse(failure.code, failure.offset, failure.reason);
    }
    return selector(std::move(program));
}

result<selector> selector::compile(std::string_view text, const selector_limits& limits) {
    selector_diagnostic ignored;
    return compile(text, ignored, limits);
}

truth selector::evaluate(const selector_subject& subject) const noexcept {
    return program_ ? program_->evaluate(subject) : truth::true_value;
}

std::string_view selector::text() const noexcept { return program_ ? program_->text() : std::string_view{}; }

} // namespace gantry::core
