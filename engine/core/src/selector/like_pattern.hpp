#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::core {

// A compiled LIKE pattern: '%' any run of characters, '_' exactly one
// character (a UTF-8 code point), anything after the escape character
// literally. The common shapes (exact, prefix%, %suffix, %infix%) are
// recognised once and matched with one comparison.
class like_pattern {
public:
    // Compiles `pattern`; `escape` is empty or one code point. Returns
    // false with `reason` set if the pattern ends with the escape.
    bool compile(std::string_view pattern, std::string_view escape, std::string& reason);

    bool matches(std::string_view text) const noexcept;

private:
    enum class shape : std::uint8_t { exact, prefix, suffix, infix, anything, general };
    enum class element_kind : std::uint8_t { literal, any_one, any_run };
    struct element {
        element_kind kind;
        std::uint32_t offset = 0; // literal bytes in literals_
        std::uint32_t size = 0;
    };

    bool matches_general(std::string_view text) const noexcept;
    std::string_view literal(const element& e) const noexcept { return {literals_.data() + e.offset, e.size}; }

    shape shape_ = shape::exact;
    std::string literals_;
    std::vector<element> elements_;
};

} // namespace gantry::core
