// Server frames (RFC 6455 §5.2, §5.7's unmasked examples): length forms at
// their boundaries, pongs, closes with reasons cut between UTF-8 characters,
// and close replies; each close read back by frame_reader.
#include "gantry/protocols/websocket/frame_writer.hpp"

#include "websocket_test_support.hpp"

namespace gantry::protocols::websocket {
namespace {

using namespace test;

bytes of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

// What a reader makes of `frame` sent by a client, i.e. masked.
decoded read_back(const bytes& frame) {
    const std::size_t length = frame[1];
    const bytes payload(frame.begin() + 2, frame.begin() + 2 + static_cast<std::ptrdiff_t>(length));
    return decode_every_way(masked_frame(frame[0], payload));
}

TEST(frame_writer, rfc_length_forms) {
    EXPECT_EQ(of(data_frame_header(5).bytes()), (bytes{0x82, 0x05}));
    EXPECT_EQ(of(data_frame_header(256).bytes()), (bytes{0x82, 0x7E, 0x01, 0x00}));
    EXPECT_EQ(of(data_frame_header(65536).bytes()),
              (bytes{0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
}

TEST(frame_writer, length_form_boundaries) {
    EXPECT_EQ(of(data_frame_header(0).bytes()), (bytes{0x82, 0x00}));
    EXPECT_EQ(of(data_frame_header(125).bytes()), (bytes{0x82, 0x7D}));
    EXPECT_EQ(of(data_frame_header(126).bytes()), (bytes{0x82, 0x7E, 0x00, 0x7E}));
    EXPECT_EQ(of(data_frame_header(65535).bytes()), (bytes{0x82, 0x7E, 0xFF, 0xFF}));
    EXPECT_EQ(of(data_frame_header(0x0102030405060708).bytes()),
              (bytes{0x82, 0x7F, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}));
}

TEST(frame_writer, pong_echoes_the_ping) {
    // §5.7: an unmasked ping "Hello" is 0x89 0x05 "Hello"; its pong, 0x8A.
    EXPECT_EQ(of(control_frame::pong(text("Hello")).bytes()), (bytes{0x8A, 0x05, 'H', 'e', 'l', 'l', 'o'}));
    EXPECT_EQ(of(control_frame::pong({}).bytes()), (bytes{0x8A, 0x00}));
    const bytes longest(125, 'p');
    EXPECT_EQ(of(control_frame::pong(longest).bytes()), (bytes{0x8A, 125} + longest));
    EXPECT_EQ(of(control_frame::pong(bytes(200, 'p')).bytes()), (bytes{0x8A, 125} + longest));
}

TEST(frame_writer, close_with_status_and_reason) {
    const auto frame = of(control_frame::close(close_status::normal, "bye").bytes());
    EXPECT_EQ(frame, (bytes{0x88, 0x05, 0x03, 0xE8, 'b', 'y', 'e'}));
    const auto back = read_back(frame);
    EXPECT_TRUE(back.close_received);
    EXPECT_EQ(back.peer_close_code, 1000);
    EXPECT_EQ(of(control_frame::close(close_status::message_too_big, "").bytes()), (bytes{0x88, 0x02, 0x03, 0xF1}));
}

TEST(frame_writer, close_reason_is_cut_between_characters) {
    const std::string fits(123, 'a');
    const auto longest = bytes{0x88, 125, 0x03, 0xE9} + text(fits);
    EXPECT_EQ(of(control_frame::close(close_status::going_away, fits).bytes()), longest);
    EXPECT_EQ(of(control_frame::close(close_status::going_away, fits + "b").bytes()), longest);

    struct cut_case {
        std::string reason;
        std::string kept;
    };
    const cut_case cases[] = {
        {std::string(121, 'a') + "\xC3\xA9", std::string(121, 'a') + "\xC3\xA9"},      // é ends at byte 123
        {std::string(122, 'a') + "\xC3\xA9", std::string(122, 'a')},                   // é would straddle it
        {std::string(120, 'a') + "\xE2\x82\xAC!", std::string(120, 'a') + "\xE2\x82\xAC"},
        {std::string(121, 'a') + "\xE2\x82\xAC", std::string(121, 'a')},
        {std::string(120, 'a') + "\xF0\x9F\x98\x80", std::string(120, 'a')},
        {std::string(119, 'a') + "\xF0\x9F\x98\x80\xF0\x9F\x98\x80", std::string(119, 'a') + "\xF0\x9F\x98\x80"},
    };
    for (const auto& c : cases) {
        const auto frame = of(control_frame::close(close_status::protocol_error, c.reason).bytes());
        const bytes header{0x88, static_cast<std::uint8_t>(2 + c.kept.size()), 0x03, 0xEA};
        EXPECT_EQ(frame, header + text(c.kept)) << c.reason.size();
        const auto back = read_back(frame);
        EXPECT_FALSE(back.error) << c.reason.size();
        EXPECT_EQ(back.peer_close_code, 1002);
    }
}

TEST(frame_writer, close_reply_echoes_the_status) {
    EXPECT_EQ(of(control_frame::close_reply(1000).bytes()), (bytes{0x88, 0x02, 0x03, 0xE8}));
    EXPECT_EQ(of(control_frame::close_reply(4000).bytes()), (bytes{0x88, 0x02, 0x0F, 0xA0}));
    // 1005 means the peer sent no status: the reply carries none either.
    const auto empty = of(control_frame::close_reply(1005).bytes());
    EXPECT_EQ(empty, (bytes{0x88, 0x00}));
    EXPECT_EQ(read_back(empty).peer_close_code, 1005);
}

} // namespace
} // namespace gantry::protocols::websocket
