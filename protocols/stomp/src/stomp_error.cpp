#include "gantry/protocols/stomp/stomp_error.hpp"

namespace gantry::protocols::stomp {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.stomp"; }
    std::string message(int code) const override {
        switch (static_cast<stomp_errc>(code)) {
        case stomp_errc::frame_too_large: return "STOMP frame exceeds the maximum frame size";
        case stomp_errc::too_many_headers: return "STOMP frame has more headers than allowed";
        case stomp_errc::header_too_long: return "STOMP header line exceeds the maximum header length";
        case stomp_errc::unknown_command: return "unknown STOMP command";
        case stomp_errc::malformed_header: return "malformed STOMP header line";
        case stomp_errc::invalid_escape: return "undefined escape sequence in a STOMP header";
        case stomp_errc::invalid_utf8: return "STOMP command or header is not valid UTF-8";
        case stomp_errc::invalid_content_length: return "STOMP content-length is not a decimal number of octets";
        case stomp_errc::missing_null: return "STOMP frame body is not followed by a NUL octet";
        case stomp_errc::unencodable_header: return "STOMP header cannot be encoded in this version or frame";
        }
        return "unknown STOMP error";
    }
};

} // namespace

const std::error_category& stomp_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace gantry::protocols::stomp
