#include "gantry/core/selector/selector_error.hpp"

namespace gantry::core {

namespace {

class selector_error_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.selector"; }
    std::string message(int code) const override {
        switch (static_cast<selector_errc>(code)) {
        case selector_errc::syntax_error: return "selector syntax error";
        case selector_errc::invalid_literal: return "invalid literal in selector";
        case selector_errc::invalid_pattern: return "invalid LIKE pattern or ESCAPE in selector";
        case selector_errc::type_error: return "operand of the wrong type in selector";
        case selector_errc::too_long: return "selector too long";
        case selector_errc::too_deep: return "selector nested too deeply";
        }
        return "unknown selector error";
    }
};

} // namespace

const std::error_category& selector_category() noexcept {
    static const selector_error_category instance;
    return instance;
}

std::string selector_diagnostic::to_string() const {
    return "selector error at position " + std::to_string(position) + ": " + reason;
}

} // namespace gantry::core
