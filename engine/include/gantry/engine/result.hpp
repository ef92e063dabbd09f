#pragma once

#include <cassert>
#include <system_error>
#include <utility>
#include <variant>

namespace gantry {

// A value or the error that prevented it. Expected failures travel as values
// (STYLE.md 6); std::expected arrives only with C++23.
template <typename T>
class result {
public:
    result(T value) : state_(std::move(value)) {}
    result(std::error_code error) : state_(error) { assert(error); }
    template <typename E>
        requires std::is_error_code_enum_v<E>
    result(E error) : result(std::error_code(make_error_code(error))) {}

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { assert(has_value()); return std::get<0>(state_); }
    const T& value() const& { assert(has_value()); return std::get<0>(state_); }
    T&& value() && { assert(has_value()); return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    std::error_code error() const noexcept {
        return has_value() ? std::error_code{} : std::get<1>(state_);
    }

private:
    std::variant<T, std::error_code> state_;
};

} // namespace gantry
