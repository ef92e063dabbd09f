#include "gantry/protocols/stomp/stomp_codec.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace gantry::protocols::stomp {

namespace {

using namespace std::string_view_literals;

constexpr auto npos = std::string_view::npos;
constexpr std::size_t longest_command = 11; // "UNSUBSCRIBE"
constexpr std::size_t max_quoted = 32;      // octets of client text echoed in a diagnostic

bool never_escaped(stomp_command command) noexcept {
    return command == stomp_command::connect || command == stomp_command::stomp ||
           command == stomp_command::connected;
}

decode_result failed(stomp_errc code, std::string message) {
    decode_result out;
    out.status = decode_status::error;
    out.diagnostic = {make_error_code(code), std::move(message)};
    return out;
}

// Client text inside a diagnostic, which ends up in an ERROR frame's header:
// printable ASCII only, and short.
std::string quoted(std::string_view text) {
    std::string out = "'";
    for (const char c : text.substr(0, max_quoted)) {
        const auto octet = static_cast<unsigned char>(c);
        out.push_back(octet >= 0x20 && octet < 0x7F ? c : '?');
    }
    if (text.size() > max_quoted) out += "...";
    out.push_back('\'');
    return out;
}

// Well-formedness per Unicode §3.9 table 3-7, eight ASCII octets at a time.
bool valid_utf8(std::string_view text) noexcept {
    const auto* data = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    std::size_t pos = 0;
    while (pos < size) {
        if (pos + 8 <= size) {
            std::uint64_t block = 0;
            std::memcpy(&block, data + pos, 8);
            if ((block & 0x8080808080808080ULL) == 0) {
                pos += 8;
                continue;
            }
        }
        const unsigned lead = data[pos];
        if (lead < 0x80) {
            ++pos;
            continue;
        }
        std::size_t length = 0;
        unsigned low = 0x80;
        unsigned high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) low = 0xA0;
            if (lead == 0xED) high = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) low = 0x90;
            if (lead == 0xF4) high = 0x8F;
        } else {
            return false;
        }
        if (pos + length > size || data[pos + 1] < low || data[pos + 1] > high) return false;
        for (std::size_t i = 2; i < length; ++i) {
            if (data[pos + i] < 0x80 || data[pos + i] > 0xBF) return false;
        }
        pos += length;
    }
    return true;
}

// Where `raw` has an escape the version does not define (1.1: \n \c \\,
// 1.2 adds \r), or npos.
std::size_t bad_escape(std::string_view raw, bool with_cr) noexcept {
    for (auto pos = raw.find('\\'); pos != npos; pos = raw.find('\\', pos + 2)) {
        if (pos + 1 == raw.size()) return pos;
        const char next = raw[pos + 1];
        if (next != 'n' && next != 'c' && next != '\\' && !(with_cr && next == 'r')) return pos;
    }
    return npos;
}

// `raw` has passed bad_escape.
std::string unescaped(std::string_view raw) {
    auto pos = raw.find('\\');
    if (pos == npos) return std::string(raw);
    std::string out;
    out.reserve(raw.size());
    std::size_t start = 0;
    for (; pos != npos; pos = raw.find('\\', start)) {
        out.append(raw.substr(start, pos - start));
        switch (raw[pos + 1]) {
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 'c': out.push_back(':'); break;
        default: out.push_back('\\'); break;
        }
        start = pos + 2;
    }
    out.append(raw.substr(start));
    return out;
}

// A command or header line without its EOL; `next` is where the following
// line starts, or npos while the LF has not arrived.
struct line {
    std::string_view text;
    std::size_t next = npos;
};

// A CR is allowed only as the first octet of a CR LF.
bool stray_cr(std::string_view text) noexcept {
    const auto cr = text.find('\r');
    return cr != npos && cr + 1 < text.size();
}

class frame_reader {
public:
    frame_reader(std::string_view input, const stomp_limits& limits, stomp_version version)
        : input_(input), window_(input.substr(0, std::min(input.size(), limits.max_frame_size))), limits_(limits),
          version_(version) {}

    decode_result read();

private:
    line line_at(std::size_t pos) const noexcept;
    std::optional<decode_result> check_command(line command);
    std::optional<decode_result> check_header(line header);
    std::optional<decode_result> check_line(std::string_view text, bool complete) const;
    std::optional<decode_result> check_content_length(std::string_view value);
    decode_result incomplete() const;
    decode_result header_error(stomp_errc code, std::string_view what) const;
    decode_result build(std::size_t body_start, std::size_t body_size) const;

    std::string_view input_;
    std::string_view window_; // the octets a frame may span: max_frame_size of them
    const stomp_limits& limits_;
    stomp_version version_;
    stomp_command command_ = stomp_command::send;
    bool escaped_ = false;
    std::size_t headers_start_ = 0;
    std::size_t header_count_ = 0;
    std::optional<std::size_t> content_length_;
};

line frame_reader::line_at(std::size_t pos) const noexcept {
    const auto lf = window_.find('\n', pos);
    if (lf == npos) return {window_.substr(pos), npos};
    auto text = window_.substr(pos, lf - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    return {text, lf + 1};
}

// A frame that does not end within the first max_frame_size octets is over
// the limit, and once that many are in, waiting for more cannot change it.
decode_result frame_reader::incomplete() const {
    if (input_.size() >= limits_.max_frame_size) {
        return failed(stomp_errc::frame_too_large,
                      "frame exceeds the " + std::to_string(limits_.max_frame_size) + "-octet maximum frame size");
    }
    return {};
}

// About the header line being read: the one after header_count_ good ones.
decode_result frame_reader::header_error(stomp_errc code, std::string_view what) const {
    return failed(code, "header line " + std::to_string(header_count_ + 1) + " " + std::string(what));
}

std::optional<decode_result> frame_reader::check_command(line command) {
    auto text = command.text;
    if (command.next == npos) {
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        if (text.size() <= longest_command && text.find_first_of("\r\0"sv) == npos) return std::nullopt;
        return failed(stomp_errc::unknown_command, "unknown command " + quoted(text));
    }
    if (const auto known = parse_command(text)) {
        command_ = *known;
        escaped_ = version_ != stomp_version::v1_0 && !never_escaped(command_);
        return std::nullopt;
    }
    if (!valid_utf8(text)) return failed(stomp_errc::invalid_utf8, "command " + quoted(text) + " is not UTF-8");
    return failed(stomp_errc::unknown_command, "unknown command " + quoted(text));
}

// The checks a header line can fail before its LF arrives.
std::optional<decode_result> frame_reader::check_line(std::string_view text, bool complete) const {
    if (complete ? text.find('\r') != npos : stray_cr(text)) {
        return header_error(stomp_errc::malformed_header, "has a CR not followed by LF");
    }
    if (!complete && !text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (!text.empty() && header_count_ == limits_.max_header_count) {
        return failed(stomp_errc::too_many_headers,
                      "frame has more than " + std::to_string(limits_.max_header_count) + " headers");
    }
    if (text.find('\0') != npos) return header_error(stomp_errc::malformed_header, "contains NUL");
    if (text.size() > limits_.max_header_length) {
        return header_error(stomp_errc::header_too_long,
                            "is longer than " + std::to_string(limits_.max_header_length) + " octets");
    }
    return std::nullopt;
}

std::optional<decode_result> frame_reader::check_header(line header) {
    if (auto problem = check_line(header.text, true)) return problem;
    const auto text = header.text;
    const auto colon = text.find(':');
    if (colon == npos) return header_error(stomp_errc::malformed_header, "has no ':'");
    if (colon == 0) return header_error(stomp_errc::malformed_header, "has an empty name");
    if (!valid_utf8(text)) return header_error(stomp_errc::invalid_utf8, "is not UTF-8");
    const auto name = text.substr(0, colon);
    const auto value = text.substr(colon + 1);
    if (escaped_) {
        const bool with_cr = version_ == stomp_version::v1_2;
        for (const auto part : {name, value}) {
            const auto bad = bad_escape(part, with_cr);
            if (bad == npos) continue;
            return header_error(stomp_errc::invalid_escape, "has an undefined escape " + quoted(part.substr(bad, 2)));
        }
    }
    ++header_count_;
    if (!content_length_ && name == "content-length") return check_content_length(value);
    return std::nullopt;
}

std::optional<decode_result> frame_reader::check_content_length(std::string_view value) {
    if (value.empty() || value.find_first_not_of("0123456789") != npos) {
        return failed(stomp_errc::invalid_content_length,
                      "content-length " + quoted(value) + " is not a decimal number of octets");
    }
    const auto max = limits_.max_frame_size;
    std::size_t length = 0;
    for (const char digit : value) {
        const auto d = static_cast<std::size_t>(digit - '0');
        if (length > (std::numeric_limits<std::size_t>::max() - d) / 10 || length * 10 + d > max) {
            return failed(stomp_errc::frame_too_large, "content-length " + quoted(value) + " exceeds the " +
                                                           std::to_string(max) + "-octet maximum frame size");
        }
        length = length * 10 + d;
    }
    content_length_ = length;
    return std::nullopt;
}

decode_result frame_reader::read() {
    const auto command = line_at(0);
    if (auto problem = check_command(command)) return std::move(*problem);
    if (command.next == npos) return incomplete();

    headers_start_ = command.next;
    auto header = line_at(headers_start_);
    for (; !header.text.empty() || header.next == npos; header = line_at(header.next)) {
        if (header.next == npos) {
            if (auto problem = check_line(header.text, false)) return std::move(*problem);
            return incomplete();
        }
        if (auto problem = check_header(header)) return std::move(*problem);
    }

    const auto body_start = header.next;
    if (content_length_) {
        const auto length = *content_length_;
        if (length >= limits_.max_frame_size - body_start) {
            return failed(stomp_errc::frame_too_large,
                          "frame of " + std::to_string(body_start + length + 1) + " octets exceeds the " +
                              std::to_string(limits_.max_frame_size) + "-octet maximum frame size");
        }
        if (input_.size() <= body_start + length) return {};
        if (input_[body_start + length] != '\0') {
            return failed(stomp_errc::missing_null, "the octet after the " + std::to_string(length) +
                                                        " octets of body given by content-length is not NUL");
        }
        return build(body_start, length);
    }
    const auto nul = window_.find('\0', body_start);
    if (nul == npos) return incomplete();
    return build(body_start, nul - body_start);
}

decode_result frame_reader::build(std::size_t body_start, std::size_t body_size) const {
    decode_result out;
    out.status = decode_status::complete;
    out.consumed = body_start + body_size + 1;
    auto& frame = out.frame;
    frame.command = command_;
    frame.headers.reserve(header_count_);
    auto pos = headers_start_;
    for (std::size_t i = 0; i < header_count_; ++i) {
        const auto header = line_at(pos);
        const auto colon = header.text.find(':');
        const auto name = header.text.substr(0, colon);
        const auto value = header.text.substr(colon + 1);
        if (escaped_) {
            frame.add(unescaped(name), unescaped(value));
        } else {
            frame.add(std::string(name), std::string(value));
        }
        pos = header.next;
    }
    frame.body.assign(input_.substr(body_start, body_size));
    return out;
}

} // namespace

decode_result stomp_codec::decode(std::span<const std::byte> input, stomp_version version) const {
    const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
    std::size_t eols = 0;
    while (eols < text.size()) {
        if (text[eols] == '\n') {
            ++eols;
        } else if (text[eols] == '\r' && eols + 1 < text.size() && text[eols + 1] == '\n') {
            eols += 2;
        } else {
            break;
        }
    }
    if (eols > 0) {
        decode_result out;
        out.status = decode_status::heartbeat;
        out.consumed = eols;
        return out;
    }
    if (text.empty()) return {};
    return frame_reader(text, limits_, version).read();
}

} // namespace gantry::protocols::stomp
