// Names of versions and commands, header lookup, and the error category.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "gantry/protocols/stomp/stomp_error.hpp"
#include "gantry/protocols/stomp/stomp_frame.hpp"

namespace gantry::protocols::stomp {
namespace {

TEST(StompFrame, version_names) {
    EXPECT_EQ(version_name(stomp_version::v1_0), "1.0");
    EXPECT_EQ(version_name(stomp_version::v1_1), "1.1");
    EXPECT_EQ(version_name(stomp_version::v1_2), "1.2");
}

TEST(StompFrame, command_names_parse_back_exactly) {
    const std::pair<stomp_command, std::string_view> names[] = {
        {stomp_command::connect, "CONNECT"},
        {stomp_command::stomp, "STOMP"},
        {stomp_command::send, "SEND"},
        {stomp_command::subscribe, "SUBSCRIBE"},
        {stomp_command::unsubscribe, "UNSUBSCRIBE"},
        {stomp_command::ack, "ACK"},
        {stomp_command::nack, "NACK"},
        {stomp_command::begin, "BEGIN"},
        {stomp_command::commit, "COMMIT"},
        {stomp_command::abort, "ABORT"},
        {stomp_command::disconnect, "DISCONNECT"},
        {stomp_command::connected, "CONNECTED"},
        {stomp_command::message, "MESSAGE"},
        {stomp_command::receipt, "RECEIPT"},
        {stomp_command::error, "ERROR"},
    };
    for (const auto& [command, name] : names) {
        EXPECT_EQ(command_name(command), name);
        EXPECT_EQ(parse_command(name), command);
    }
    for (const auto text : {"", "send", "Send", "SEND ", " SEND", "SENDX", "CONNECTE", "ERROR\r"}) {
        EXPECT_FALSE(parse_command(text).has_value()) << text;
    }
}

TEST(StompFrame, header_gives_the_first_match) {
    stomp_frame frame;
    EXPECT_EQ(frame.header("id"), nullptr);
    frame.add("id", "1");
    frame.add("ID", "2");
    frame.add("id", "3");
    ASSERT_NE(frame.header("id"), nullptr);
    EXPECT_EQ(*frame.header("id"), "1");
    EXPECT_EQ(*frame.header("ID"), "2");
    EXPECT_EQ(frame.header("i"), nullptr);
}

TEST(StompError, category_names_every_value) {
    EXPECT_STREQ(stomp_category().name(), "gantry.stomp");
    std::set<std::string> messages;
    for (int code = 1; code <= static_cast<int>(stomp_errc::unencodable_header); ++code) {
        const std::error_code error = static_cast<stomp_errc>(code);
        EXPECT_EQ(&error.category(), &stomp_category());
        EXPECT_NE(error.message(), "unknown STOMP error") << code;
        messages.insert(error.message());
    }
    EXPECT_EQ(messages.size(), 10U);
    EXPECT_EQ(stomp_category().message(99), "unknown STOMP error");
}

} // namespace
} // namespace gantry::protocols::stomp
