#include "diagnostics.hpp"

#include <type_traits>
#include <utility>
#include <variant>

namespace gantry::protocols::mqtt {

namespace {

constexpr std::string_view cut_mark = "...";

bool continuation_byte(char c) noexcept { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Calls `f` with the properties of `packet` when they are diagnostics a
// server may send, that is for every packet but PUBLISH.
template <typename Packet, typename F>
void with_diagnostics(Packet& packet, F&& f) {
    std::visit(
        [&](auto& p) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(p)>, publish_packet> && requires { p.properties; })
                f(p.properties);
        },
        packet);
}

} // namespace

std::string cut_reason(std::string text, std::size_t limit) {
    if (text.size() <= limit) return text;
    auto end = limit > cut_mark.size() ? limit - cut_mark.size() : 0;
    while (end > 0 && continuation_byte(text[end])) --end;
    text.resize(end);
    text += cut_mark;
    return text;
}

bool has_diagnostics(const mqtt_packet& packet) noexcept {
    bool found = false;
    with_diagnostics(packet, [&](const properties& p) { found = p.reason_string || !p.user_properties.empty(); });
    return found;
}

void drop_diagnostics(mqtt_packet& packet) noexcept {
    with_diagnostics(packet, [](properties& p) {
        p.reason_string.reset();
        p.user_properties.clear();
    });
}

void bound_reason_string(mqtt_packet& packet) {
    with_diagnostics(packet, [](properties& p) {
        if (p.reason_string) p.reason_string = cut_reason(std::move(*p.reason_string));
    });
}

} // namespace gantry::protocols::mqtt
