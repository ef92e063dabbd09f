#include "gantry/protocols/websocket/websocket_error.hpp"

#include <string>

namespace gantry::protocols::websocket {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.websocket"; }
    std::string message(int code) const override {
        switch (static_cast<websocket_errc>(code)) {
        case websocket_errc::unmasked_frame: return "WebSocket client frame is not masked";
        case websocket_errc::reserved_bits: return "WebSocket frame sets reserved bits";
        case websocket_errc::unknown_opcode: return "unknown WebSocket opcode";
        case websocket_errc::fragmented_control: return "fragmented WebSocket control frame";
        case websocket_errc::control_too_long: return "WebSocket control frame payload over 125 bytes";
        case websocket_errc::unexpected_continuation: return "WebSocket continuation frame with no message begun";
        case websocket_errc::unfinished_message: return "new WebSocket message before the last one finished";
        case websocket_errc::invalid_length: return "WebSocket frame length is not in its shortest form";
        case websocket_errc::message_too_big: return "WebSocket message exceeds the maximum message size";
        case websocket_errc::text_refused: return "WebSocket text message where only binary is spoken";
        case websocket_errc::invalid_utf8: return "WebSocket text is not valid UTF-8";
        case websocket_errc::invalid_close_payload: return "invalid WebSocket close frame payload";
        }
        return "unknown WebSocket error";
    }
};

} // namespace

const std::error_category& websocket_category() noexcept {
    static const category instance;
    return instance;
}

close_status close_status_for(websocket_errc e) noexcept {
    switch (e) {
    case websocket_errc::message_too_big: return close_status::message_too_big;
    case websocket_errc::text_refused: return close_status::unsupported_data;
    case websocket_errc::invalid_utf8: return close_status::invalid_payload;
    default: return close_status::protocol_error;
    }
}

} // namespace gantry::protocols::websocket
