// frame_reader on well-formed client frames (RFC 6455 §5): unmasking in
// place, length forms, fragments, control frames between them, pings and
// closes. Every input is also fed a byte at a time and in random pieces.
#include "websocket_test_support.hpp"

namespace gantry::protocols::websocket {
namespace {

using namespace test;

// §5.7: a single-frame masked text message, "Hello".
const bytes rfc_masked_hello{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};

bytes counting(std::size_t size) {
    bytes payload(size);
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i * 7 + 3);
    return payload;
}

TEST(frame_reader, rfc_masked_hello_unmasks_in_place) {
    bytes input = rfc_masked_hello;
    frame_reader reader(test_limits());
    ASSERT_EQ(reader.decode(input), 5U);
    EXPECT_EQ(bytes(input.begin(), input.begin() + 5), text("Hello"));
    EXPECT_FALSE(reader.error());
    EXPECT_FALSE(reader.close_received());
    EXPECT_FALSE(reader.ping_pending());
}

TEST(frame_reader, test_builder_matches_the_rfc) {
    EXPECT_EQ(masked_frame(fin_text, text("Hello")), rfc_masked_hello);
}

TEST(frame_reader, frames_in_one_read_become_one_stream) {
    const auto input = masked_frame(fin_binary, text("CONNECT")) +
                       masked_frame(fin_text, text("\nhost:a\n"), length_form::shortest, {1, 2, 3, 4}) +
                       masked_frame(fin_binary, text("\n\n"));
    const auto result = decode_every_way(input);
    EXPECT_EQ(result.output, text("CONNECT\nhost:a\n\n\n"));
    EXPECT_FALSE(result.error);
}

TEST(frame_reader, fragmented_messages) {
    // §5.7's fragmented "Hello", masked as a client sends it.
    const auto input = masked_frame(text_begins, text("Hel")) + masked_frame(fin_continuation, text("lo")) +
                       masked_frame(binary_begins, text("a")) + masked_frame(continuation, text("b")) +
                       masked_frame(fin_continuation, text("c"));
    const auto result = decode_every_way(input);
    EXPECT_EQ(result.output, text("Helloabc"));
    EXPECT_FALSE(result.error);
}

TEST(frame_reader, unmasks_every_size_and_mask_phase) {
    for (std::size_t size = 0; size <= 40; ++size) {
        const auto payload = counting(size);
        const auto input = masked_frame(fin_binary, payload, length_form::shortest, {0xA1, 0x0B, 0xFF, 0x5C}) +
                           masked_frame(fin_binary, payload, length_form::shortest, {0x00, 0x80, 0x01, 0x7F});
        const auto result = decode_every_way(input);
        EXPECT_EQ(result.output, payload + payload) << size;
    }
}

TEST(frame_reader, longer_length_forms) {
    for (const std::size_t size : {126U, 127U, 1000U, 65535U}) {
        const auto payload = counting(size);
        const auto frame = masked_frame(fin_binary, payload);
        ASSERT_EQ(frame[1], 0xFE);
        EXPECT_EQ(decode_every_way(frame + masked_frame(fin_binary, text("!"))).output, payload + text("!")) << size;
    }
    const auto payload = counting(65536 + 3);
    const auto frame = masked_frame(fin_binary, payload);
    ASSERT_EQ(frame[1], 0xFF);
    EXPECT_EQ(decode_every_way(frame).output, payload);
}

TEST(frame_reader, empty_data_frames_produce_nothing) {
    const auto input = masked_frame(fin_binary, {}) + masked_frame(fin_text, {}) + masked_frame(binary_begins, {}) +
                       masked_frame(continuation, text("x")) + masked_frame(fin_continuation, {});
    const auto result = decode_every_way(input);
    EXPECT_EQ(result.output, text("x"));
    EXPECT_FALSE(result.error);
}

TEST(frame_reader, control_frames_inside_a_fragmented_message) {
    const auto input = masked_frame(text_begins, text("Hel")) + masked_frame(fin_ping, text("p1")) +
                       masked_frame(continuation, text("l")) + masked_frame(fin_pong, text("ignored")) +
                       masked_frame(fin_ping, {}) + masked_frame(fin_continuation, text("o")) +
                       masked_frame(fin_binary, text("!"));
    const auto result = decode_every_way(input);
    EXPECT_EQ(result.output, text("Hello!"));
    EXPECT_FALSE(result.error);

    auto copy = input;
    frame_reader reader(test_limits());
    EXPECT_EQ(reader.decode(copy), 6U);
    ASSERT_TRUE(reader.ping_pending());
    EXPECT_TRUE(reader.ping_payload().empty()); // the latest ping's, which was empty
}

TEST(frame_reader, a_close_inside_a_fragmented_message_ends_the_read) {
    const auto input = masked_frame(binary_begins, text("ab")) + masked_frame(fin_close, close_payload(1001)) +
                       masked_frame(fin_continuation, text("cd"));
    const auto result = decode_every_way(input);
    EXPECT_EQ(result.output, text("ab"));
    EXPECT_TRUE(result.close_received);
    EXPECT_EQ(result.peer_close_code, 1001);
}

TEST(frame_reader, ping_payload_latest_wins_until_answered) {
    frame_reader reader(test_limits());
    auto first = masked_frame(fin_ping, text("first"));
    EXPECT_EQ(reader.decode(first), 0U);
    ASSERT_TRUE(reader.ping_pending());
    EXPECT_EQ(bytes(reader.ping_payload().begin(), reader.ping_payload().end()), text("first"));

    // A ping whose header and payload come in several reads replaces it
    // only once whole.
    auto second = masked_frame(fin_ping, text("second")) + masked_frame(fin_binary, text("data"));
    EXPECT_EQ(reader.decode(std::span(second).first(4)), 0U);
    EXPECT_EQ(reader.decode(std::span(second).subspan(4, 5)), 0U);
    EXPECT_EQ(bytes(reader.ping_payload().begin(), reader.ping_payload().end()), text("first"));
    auto rest = std::span(second).subspan(9);
    ASSERT_EQ(reader.decode(rest), 4U);
    EXPECT_EQ(bytes(rest.begin(), rest.begin() + 4), text("data"));
    EXPECT_EQ(bytes(reader.ping_payload().begin(), reader.ping_payload().end()), text("second"));

    reader.ping_answered();
    EXPECT_FALSE(reader.ping_pending());
    EXPECT_TRUE(reader.ping_payload().empty());

    bytes longest(125, 'p');
    auto third = masked_frame(fin_ping, longest);
    EXPECT_EQ(reader.decode(third), 0U);
    EXPECT_EQ(bytes(reader.ping_payload().begin(), reader.ping_payload().end()), longest);
}

TEST(frame_reader, a_pong_is_ignored) {
    frame_reader reader(test_limits());
    auto input = masked_frame(fin_pong, text("unsolicited")) + masked_frame(fin_binary, text("x"));
    EXPECT_EQ(reader.decode(input), 1U);
    EXPECT_EQ(input[0], 'x');
    EXPECT_FALSE(reader.ping_pending());
    EXPECT_FALSE(reader.error());
}

TEST(frame_reader, close_with_a_status_and_reason) {
    const auto input = masked_frame(fin_binary, text("last")) +
                       masked_frame(fin_close, close_payload(1000, "bye \xC3\xA9")) +
                       masked_frame(fin_binary, text("after the close"));
    const auto result = decode_every_way(input);
    EXPECT_EQ(result.output, text("last"));
    EXPECT_FALSE(result.error);
    EXPECT_TRUE(result.close_received);
    EXPECT_EQ(result.peer_close_code, 1000);
}

TEST(frame_reader, close_without_a_status_reads_as_1005) {
    const auto result = decode_every_way(masked_frame(fin_close, {}));
    EXPECT_TRUE(result.close_received);
    EXPECT_EQ(result.peer_close_code, 1005);
    EXPECT_FALSE(result.error);
}

TEST(frame_reader, close_codes_a_peer_may_send) {
    for (const std::uint16_t code :
         {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
        const auto result = decode_every_way(masked_frame(fin_close, close_payload(code, "r")));
        EXPECT_FALSE(result.error) << code;
        EXPECT_TRUE(result.close_received) << code;
        EXPECT_EQ(result.peer_close_code, code);
    }
}

TEST(frame_reader, after_a_close_decode_reads_nothing) {
    frame_reader reader(test_limits());
    auto close = masked_frame(fin_close, close_payload(1000));
    EXPECT_EQ(reader.decode(close), 0U);
    ASSERT_TRUE(reader.close_received());
    auto more = masked_frame(fin_binary, text("late"));
    const auto before = more;
    EXPECT_EQ(reader.decode(more), 0U);
    EXPECT_EQ(more, before);
    EXPECT_FALSE(reader.error());
}

TEST(frame_reader, a_moved_reader_keeps_its_place) {
    frame_reader reader(test_limits());
    auto input = masked_frame(fin_ping, text("p")) + masked_frame(fin_binary, text("moved"));
    EXPECT_EQ(reader.decode(std::span(input).first(input.size() - 3)), 2U);
    frame_reader moved(std::move(reader));
    auto rest = std::span(input).last(3);
    ASSERT_EQ(moved.decode(rest), 3U);
    EXPECT_EQ(bytes(rest.begin(), rest.end()), text("ved"));
    EXPECT_EQ(bytes(moved.ping_payload().begin(), moved.ping_payload().end()), text("p"));
}

TEST(frame_reader, text_split_across_frames_and_reads) {
    // "€" (E2 82 AC) and "😀" (F0 9F 98 80) cut between fragments.
    const auto input = masked_frame(text_begins, text("a\xE2")) + masked_frame(continuation, text("\x82")) +
                       masked_frame(fin_ping, text("between")) + masked_frame(continuation, text("\xAC\xF0\x9F")) +
                       masked_frame(fin_continuation, text("\x98\x80z"));
    const auto result = decode_every_way(input);
    EXPECT_EQ(result.output, text("a\xE2\x82\xAC\xF0\x9F\x98\x80z"));
    EXPECT_FALSE(result.error);
}

TEST(frame_reader, binary_is_not_checked_as_text) {
    const auto result = decode_every_way(masked_frame(fin_binary, text("\xC0\xFF\xED\xA0\x80")));
    EXPECT_EQ(result.output.size(), 5U);
    EXPECT_FALSE(result.error);
}

} // namespace
} // namespace gantry::protocols::websocket
