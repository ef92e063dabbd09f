#include "gantry/protocols/remoting/remoting_error.hpp"

namespace gantry::protocols::remoting {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.remoting"; }
    std::string message(int code) const override {
        switch (static_cast<remoting_errc>(code)) {
        case remoting_errc::frame_too_large: return "remoting frame exceeds the maximum frame size";
        case remoting_errc::invalid_length: return "invalid remoting frame length";
        case remoting_errc::invalid_header_length: return "remoting header length runs past the frame";
        case remoting_errc::unknown_serialization: return "unknown remoting serialization type";
        case remoting_errc::malformed_json_header: return "malformed JSON remoting header";
        case remoting_errc::malformed_binary_header: return "malformed ROCKETMQ remoting header";
        case remoting_errc::field_out_of_range: return "value does not fit its remoting wire field";
        case remoting_errc::ext_field_missing: return "request header field is missing";
        case remoting_errc::ext_field_not_a_number: return "request header field is not a number";
        case remoting_errc::malformed_body: return "a body is not the JSON its request or response code has";
        }
        return "unknown remoting error";
    }
};

} // namespace

const std::error_category& remoting_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace gantry::protocols::remoting
