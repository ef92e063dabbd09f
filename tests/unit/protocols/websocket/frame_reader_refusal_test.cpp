// frame_reader's refusals: one or more inputs per websocket_errc, the
// output that precedes a refusal, UTF-8 edges (RFC 3629), the message size
// limit, and nothing read after a refusal.
#include "websocket_test_support.hpp"

namespace gantry::protocols::websocket {
namespace {

using namespace test;
using enum websocket_errc;

const bytes prefix = masked_frame(fin_binary, text("ok"));

// Decodes a good frame followed by `bad`: the good frame's payload is output,
// then what `bad` carried before the refusal (`kept`), then the reader
// refuses with `expected`.
void expect_refused(const bytes& bad, websocket_errc expected, frame_reader_limits limits = test_limits(),
                    const bytes& kept = {}) {
    const auto result = decode_every_way(prefix + bad, limits);
    EXPECT_EQ(result.error, refusal(expected));
    EXPECT_EQ(result.output, text("ok") + kept);
    EXPECT_FALSE(result.close_received);
}

TEST(frame_reader_refusal, unmasked_frame) {
    expect_refused({0x82, 0x05, 'H', 'e', 'l', 'l', 'o'}, unmasked_frame);
    expect_refused({0x89, 0x00}, unmasked_frame);
}

TEST(frame_reader_refusal, reserved_bits) {
    for (const std::uint8_t rsv : {0x40, 0x20, 0x10, 0x70}) {
        expect_refused(masked_frame(static_cast<std::uint8_t>(fin_binary | rsv), text("x")), reserved_bits);
        expect_refused(masked_frame(static_cast<std::uint8_t>(fin_ping | rsv), {}), reserved_bits);
    }
}

TEST(frame_reader_refusal, unknown_opcode) {
    for (const std::uint8_t op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
        expect_refused(masked_frame(static_cast<std::uint8_t>(0x80 | op), text("x")), unknown_opcode);
    }
}

TEST(frame_reader_refusal, fragmented_control) {
    for (const std::uint8_t op : {0x08, 0x09, 0x0A}) expect_refused(masked_frame(op, {}), fragmented_control);
}

TEST(frame_reader_refusal, control_too_long) {
    expect_refused(masked_frame(fin_ping, bytes(126, 'p')), control_too_long);
    expect_refused(masked_frame(fin_close, close_payload(1000, std::string(124, 'r'))), control_too_long);
    // Refused on the second byte: the extended length is not waited for.
    const auto result = decode_every_way(bytes{fin_pong, 0xFF});
    EXPECT_EQ(result.error, refusal(control_too_long));
}

TEST(frame_reader_refusal, unexpected_continuation) {
    expect_refused(masked_frame(fin_continuation, text("x")), unexpected_continuation);
    expect_refused(masked_frame(fin_binary, text("x")) + masked_frame(continuation, text("y")), unexpected_continuation,
                   test_limits(), text("x"));
}

TEST(frame_reader_refusal, unfinished_message) {
    expect_refused(masked_frame(binary_begins, {}) + masked_frame(fin_binary, text("x")), unfinished_message);
    expect_refused(masked_frame(text_begins, {}) + masked_frame(fin_ping, {}) + masked_frame(text_begins, text("x")),
                   unfinished_message);
}

TEST(frame_reader_refusal, invalid_length) {
    expect_refused(masked_frame(fin_binary, bytes(125, 1), length_form::bits_16), invalid_length);
    expect_refused(masked_frame(fin_binary, {}, length_form::bits_16), invalid_length);
    expect_refused(masked_frame(fin_binary, bytes(126, 1), length_form::bits_64), invalid_length);
    expect_refused(masked_frame(fin_binary, bytes(65535, 1), length_form::bits_64), invalid_length);
    // The top bit of a 64-bit length; refused before the mask arrives.
    expect_refused({fin_binary, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0}, invalid_length, test_limits(UINT64_MAX));
    expect_refused({fin_binary, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, invalid_length,
                   test_limits(UINT64_MAX));
}

TEST(frame_reader_refusal, message_too_big_at_the_limit_plus_one) {
    const auto limits = test_limits(10);
    const auto at_limit = decode_every_way(masked_frame(fin_binary, bytes(10, 'a')), limits);
    EXPECT_FALSE(at_limit.error);
    EXPECT_EQ(at_limit.output, bytes(10, 'a'));
    expect_refused(masked_frame(fin_binary, bytes(11, 'a')), message_too_big, limits);

    // The limit is per message: fragments add up, a new message starts over.
    const auto fragments = masked_frame(binary_begins, bytes(4, 'a')) + masked_frame(fin_ping, bytes(100, 'p')) +
                           masked_frame(fin_continuation, bytes(6, 'b')) + masked_frame(fin_text, bytes(10, 'c'));
    const auto result = decode_every_way(fragments, limits);
    EXPECT_FALSE(result.error);
    EXPECT_EQ(result.output.size(), 20U);
    expect_refused(masked_frame(text_begins, bytes(4, 'a')) + masked_frame(fin_continuation, bytes(7, 'b')),
                   message_too_big, limits, bytes(4, 'a'));
}

TEST(frame_reader_refusal, message_too_big_is_refused_on_the_header) {
    frame_reader reader(test_limits(1000));
    bytes header{fin_binary, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0}; // 4 GiB announced, no mask or payload yet
    EXPECT_EQ(reader.decode(header), 0U);
    EXPECT_EQ(reader.error(), refusal(message_too_big));
}

TEST(frame_reader_refusal, text_refused) {
    expect_refused(masked_frame(fin_text, text("x")), text_refused, test_limits(100, false));
    expect_refused(masked_frame(text_begins, {}), text_refused, test_limits(100, false));
}

TEST(frame_reader_refusal, invalid_utf8_keeps_the_text_before_it) {
    const auto result = decode_every_way(masked_frame(fin_text, text("ab\xC3\xA9" "cd\xC0\x80" "ef")));
    EXPECT_EQ(result.error, refusal(invalid_utf8));
    EXPECT_EQ(result.output, text("ab\xC3\xA9" "cd"));
}

TEST(frame_reader_refusal, invalid_utf8_sequences) {
    struct utf8_case {
        std::string_view bad;
        std::size_t valid; // bytes before the one no valid text has there
    };
    for (const auto& c : {
             utf8_case{"\x80", 0},             // a continuation byte first
             utf8_case{"\xC0\x80", 0},         // overlong U+0000
             utf8_case{"\xC1\xBF", 0},         // overlong U+007F
             utf8_case{"\xE0\x80\x80", 1},     // overlong three bytes
             utf8_case{"\xE0\x9F\xBF", 1},     // overlong U+07FF
             utf8_case{"\xED\xA0\x80", 1},     // surrogate U+D800
             utf8_case{"\xED\xBF\xBF", 1},     // surrogate U+DFFF
             utf8_case{"\xF0\x8F\xBF\xBF", 1}, // overlong U+FFFF
             utf8_case{"\xF4\x90\x80\x80", 1}, // U+110000
             utf8_case{"\xF5\x80\x80\x80", 0}, // past U+10FFFF
             utf8_case{"\xFF", 0},
             utf8_case{"\xC3\x28", 1},         // a lead byte without its continuation
             utf8_case{"\xE2\x82\x28", 2},
             utf8_case{"\xF0\x9F\x98\xF0", 3},
         }) {
        const auto kept = text(c.bad.substr(0, c.valid));
        expect_refused(masked_frame(fin_text, text(c.bad)), invalid_utf8, test_limits(), kept);
        // Long ASCII first, so the eight-byte scan reaches the bad byte.
        const auto ascii = text(std::string(21, 'a'));
        expect_refused(masked_frame(fin_text, ascii + text(c.bad) + text("abcdefghij")), invalid_utf8, test_limits(),
                       ascii + kept);
    }
}

TEST(frame_reader_refusal, valid_utf8_edges) {
    const auto edges = text("\x7F" "\xC2\x80" "\xDF\xBF" "\xE0\xA0\x80" "\xED\x9F\xBF" "\xEE\x80\x80" "\xEF\xBF\xBF"
                            "\xF0\x90\x80\x80" "\xF4\x8F\xBF\xBF");
    const auto result = decode_every_way(masked_frame(fin_text, edges));
    EXPECT_FALSE(result.error);
    EXPECT_EQ(result.output, edges);
}

TEST(frame_reader_refusal, a_character_unfinished_at_the_end_of_a_message) {
    expect_refused(masked_frame(fin_text, text("a\xE2\x82")), invalid_utf8, test_limits(), text("a\xE2\x82"));
    expect_refused(masked_frame(text_begins, text("a\xF0\x9F")) + masked_frame(fin_continuation, text("\x98")),
                   invalid_utf8, test_limits(), text("a\xF0\x9F\x98"));
    // Not at the end of a fragment that is not the last.
    EXPECT_FALSE(decode_every_way(masked_frame(text_begins, text("\xF0\x9F"))).error);
}

TEST(frame_reader_refusal, close_reason_must_be_utf8) {
    expect_refused(masked_frame(fin_close, close_payload(1000, "bad \xED\xA0\x80")), invalid_utf8);
    expect_refused(masked_frame(fin_close, close_payload(1000, "cut \xE2\x82")), invalid_utf8);
}

TEST(frame_reader_refusal, invalid_close_payload) {
    expect_refused(masked_frame(fin_close, {0x03}), invalid_close_payload);
    for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
        expect_refused(masked_frame(fin_close, close_payload(code)), invalid_close_payload);
    }
}

TEST(frame_reader_refusal, decode_reads_nothing_after_a_refusal) {
    frame_reader reader(test_limits());
    auto bad = prefix + masked_frame(fin_continuation, text("x")) + masked_frame(fin_binary, text("never"));
    EXPECT_EQ(reader.decode(bad), 2U);
    EXPECT_EQ(reader.error(), refusal(unexpected_continuation));
    auto good = masked_frame(fin_binary, text("good"));
    const auto before = good;
    EXPECT_EQ(reader.decode(good), 0U);
    EXPECT_EQ(good, before);
    EXPECT_EQ(reader.error(), refusal(unexpected_continuation));
}

TEST(frame_reader_refusal, errors_have_messages_and_close_statuses) {
    for (int e = static_cast<int>(unmasked_frame); e <= static_cast<int>(invalid_close_payload); ++e) {
        const std::error_code code = static_cast<websocket_errc>(e);
        EXPECT_EQ(code.category(), websocket_category());
        EXPECT_NE(code.message(), "unknown WebSocket error") << e;
    }
    EXPECT_STREQ(websocket_category().name(), "gantry.websocket");
    EXPECT_EQ(close_status_for(message_too_big), close_status::message_too_big);
    EXPECT_EQ(close_status_for(text_refused), close_status::unsupported_data);
    EXPECT_EQ(close_status_for(invalid_utf8), close_status::invalid_payload);
    for (const auto e : {unmasked_frame, reserved_bits, unknown_opcode, fragmented_control, control_too_long,
                         unexpected_continuation, unfinished_message, invalid_length, invalid_close_payload}) {
        EXPECT_EQ(close_status_for(e), close_status::protocol_error);
    }
}

} // namespace
} // namespace gantry::protocols::websocket
