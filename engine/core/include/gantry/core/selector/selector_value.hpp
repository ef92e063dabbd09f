#pragma once

#include <cstdint>
#include <string_view>

namespace gantry::core {

// One operand of a selector: a property or header value, a literal, or an
// intermediate result. Absent is SQL NULL: the property is not on the
// message, or an operation has no defined value (division by zero).
//
// A string is a view: whoever hands one to the selector keeps the bytes
// alive until the evaluation returns. Kept trivially copyable and 24 bytes
// so evaluation moves values in registers and never allocates.
class selector_value {
public:
    enum class kind : std::uint8_t { absent, boolean, integer, real, string };

    constexpr selector_value() noexcept = default;

    static constexpr selector_value boolean(bool b) noexcept {
        selector_value v;
        v.kind_ = kind::boolean;
        v.integer_ = b ? 1 : 0;
        return v;
    }
    static constexpr selector_value integer(std::int64_t i) noexcept {
        selector_value v;
        v.kind_ = kind::integer;
        v.integer_ = i;
        return v;
    }
    static constexpr selector_value real(double d) noexcept {
        selector_value v;
        v.kind_ = kind::real;
        v.real_ = d;
        return v;
    }
    static constexpr selector_value string(std::string_view s) noexcept {
        selector_value v;
        v.kind_ = kind::string;
        v.data_ = s.data();
        v.size_ = s.size();
        return v;
    }

    constexpr kind type() const noexcept { return kind_; }
    constexpr bool is_absent() const noexcept { return kind_ == kind::absent; }
    constexpr bool is_numeric() const noexcept { return kind_ == kind::integer || kind_ == kind::real; }

    // Accessors assume the matching kind.
    constexpr bool as_bool() const noexcept { return integer_ != 0; }
    constexpr std::int64_t as_integer() const noexcept { return integer_; }
    constexpr double as_real() const noexcept { return real_; }
    constexpr std::string_view as_string() const noexcept { return {data_, size_}; }
    // An integer or real as a double (Java's numeric promotion).
    constexpr double as_double() const noexcept {
        return kind_ == kind::integer ? static_cast<double>(integer_) : real_;
    }

private:
    kind kind_ = kind::absent;
    union {
        std::int64_t integer_ = 0; // also holds a boolean as 0 / 1
        double real_;
        const char* data_;
    };
    std::size_t size_ = 0;
};

} // namespace gantry::core
