#include "like_pattern.hpp"

namespace gantry::core {

namespace {

// Bytes in the UTF-8 sequence that starts with `lead`; a stray byte counts
// as one character, as the store's Java-compatible decoding does.
std::size_t sequence_length(char lead) noexcept {
    const auto b = static_cast<unsigned char>(lead);
    if (b >= 0xF0 && b < 0xF8) return 4;
    if (b >= 0xE0) return b < 0xF0 ? 3 : 1;
    if (b >= 0xC0) return 2;
    return 1;
}

std::size_t next_character(std::string_view text, std::size_t at) noexcept {
    const std::size_t end = at + sequence_length(text[at]);
    return end < text.size() ? end : text.size();
}

} // namespace

bool like_pattern::compile(std::string_view pattern, std::string_view escape, std::string& reason) {
    for (std::size_t i = 0; i < pattern.size();) {
        const std::size_t end = next_character(pattern, i);
        std::string_view c = pattern.substr(i, end - i);
        i = end;
        if (!escape.empty() && c == escape) {
            if (i == pattern.size()) {
                reason = "LIKE pattern ends with its escape character";
                return false;
            }
            const std::size_t escaped_end = next_character(pattern, i);
            c = pattern.substr(i, escaped_end - i);
            i = escaped_end;
        } else if (c == "%") {
            if (elements_.empty() || elements_.back().kind != element_kind::any_run)
                elements_.push_back({element_kind::any_run});
            continue;
        } else if (c == "_") {
            elements_.push_back({element_kind::any_one});
            continue;
        }
        if (elements_.empty() || elements_.back().kind != element_kind::literal)
            elements_.push_back({element_kind::literal, static_cast<std::uint32_t>(literals_.size())});
        literals_.append(c);
        elements_.back().size += static_cast<std::uint32_t>(c.size());
    }

    auto kind_at = [&](std::size_t k) { return elements_[k].kind; };
    const std::size_t n = elements_.size();
    const bool any_one = [&] {
        for (const auto& e : elements_)
            if (e.kind == element_kind::any_one) return true;
        return false;
    }();
    if (any_one) shape_ = shape::general;
    else if (n == 0 || (n == 1 && kind_at(0) == element_kind::literal)) shape_ = shape::exact;
    else if (n == 1) shape_ = shape::anything;
    else if (n == 2) shape_ = kind_at(0) == element_kind::literal ? shape::prefix : shape::suffix;
    else if (n == 3 && kind_at(0) == element_kind::any_run && kind_at(2) == element_kind::any_run) shape_ = shape::infix;
    else shape_ = shape::general;
    return true;
}

bool like_pattern::matches(std::string_view text) const noexcept {
    switch (shape_) {
    case shape::exact: return elements_.empty() ? text.empty() : text == literal(elements_[0]);
    case shape::prefix: return text.starts_with(literal(elements_[0]));
    case shape::suffix: return text.ends_with(literal(elements_[1]));
    case shape::infix: return text.find(literal(elements_[1])) != std::string_view::npos;
    case shape::anything: return true;
    case shape::general: return matches_general(text);
    }
    return false;
}

// Wildcard matching that backtracks only to the latest '%': linear for
// typical patterns, O(pattern × text) at worst, and no allocation.
bool like_pattern::matches_general(std::string_view text) const noexcept {
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::size_t e = 0;
    std::size_t s = 0;
    std::size_t resume_element = none;
    std::size_t resume_text = 0;
    while (true) {
        bool advanced = false;
        if (e == elements_.size()) {
            if (s == text.size()) return true;
        } else {
            const element& el = elements_[e];
            switch (el.kind) {
            case element_kind::any_run:
                if (e + 1 == elements_.size()) return true;
                resume_element = ++e;
                resume_text = s;
                continue;
            case element_kind::any_one:
                if (s < text.size()) {
                    s = next_character(text, s);
                    advanced = true;
                }
                break;
            case element_kind::literal:
                if (text.substr(s).starts_with(literal(el))) {
                    s += el.size;
                    advanced = true;
                }
                break;
            }
        }
        if (advanced) {
            ++e;
            continue;
        }
        if (resume_element == none || resume_text >= text.size()) return false;
        resume_text = next_character(text, resume_text);
        s = resume_text;
        e = resume_element;
    }
}

} // namespace gantry::core
