// UTF-8 strings (3.1.1 §1.5.3, 5.0 §1.5.4) and topic names and filters
// (§4.7, shared subscriptions §4.8.2).
#include <gtest/gtest.h>

#include "gantry/protocols/mqtt/mqtt_utf8.hpp"
#include "gantry/protocols/mqtt/topic_filter.hpp"
#include "mqtt_test_support.hpp"

namespace gantry::protocols::mqtt {
namespace {

using namespace test;
using enum protocol_version;
using namespace std::string_view_literals;

struct utf8_row {
    std::string_view text;
    bool valid;
};

const utf8_row utf8_rows[] = {
    {"", true},
    {"plain ascii", true},
    {"caf\xC3\xA9", true},                      // U+00E9
    {"\xE2\x82\xAC", true},                     // U+20AC
    {"\xF0\x9F\x98\x80", true},                 // U+1F600
    {"\xF4\x8F\xBF\xBF", true},                 // U+10FFFF
    {"\xEF\xBB\xBF" "bom", true},               // U+FEFF is kept, not skipped
    {"\x01\x1F\x7F", true},                     // control characters: allowed (see README)
    {"\xC2\x80", true},                         // U+0080, a C1 control
    {"\xEF\xBF\xBF", true},                     // U+FFFF, a non-character
    {"a\0b"sv, false},                          // U+0000
    {"\xC0\x80", false},                        // overlong U+0000
    {"\xC1\xBF", false},                        // overlong
    {"\xE0\x9F\xBF", false},                    // overlong 3-byte
    {"\xF0\x8F\xBF\xBF", false},                // overlong 4-byte
    {"\xED\xA0\x80", false},                    // U+D800
    {"\xED\xBF\xBF", false},                    // U+DFFF
    {"\xF4\x90\x80\x80", false},                // above U+10FFFF
    {"\xF5\x80\x80\x80", false},
    {"\x80", false},                            // lone continuation
    {"\xC3", false},                            // truncated
    {"\xE2\x82", false},
    {"\xE2\x28\xA1", false},                    // bad continuation
    {"\xFF", false},
};

TEST(mqtt_text, utf8_rules) {
    for (const auto& r : utf8_rows) EXPECT_EQ(valid_utf8_mqtt(r.text), r.valid) << ::testing::PrintToString(r.text);
    EXPECT_EQ(utf8_mqtt_problem("a\0"sv), "contains U+0000");
    EXPECT_EQ(utf8_mqtt_problem("\xED\xA0\x80"), "contains a UTF-16 surrogate (U+D800..U+DFFF)");
    EXPECT_EQ(utf8_mqtt_problem("\xC0\x80"), "is not well-formed UTF-8");
}

// Long texts are checked a word at a time while they are ASCII: every row
// keeps its verdict wherever it sits among plain bytes.
TEST(mqtt_text, utf8_rules_hold_anywhere_in_a_long_text) {
    for (const auto& r : utf8_rows) {
        for (std::size_t before = 0; before <= 16; ++before) {
            const auto text = std::string(before, 'x') + std::string(r.text) + std::string(17 - before, 'y');
            EXPECT_EQ(valid_utf8_mqtt(text), r.valid) << ::testing::PrintToString(text);
            const bool payload_valid = r.valid || r.text == "a\0b"sv;
            EXPECT_EQ(utf8_payload_problem(std::as_bytes(std::span(text.data(), text.size()))).empty(), payload_valid)
                << ::testing::PrintToString(text);
        }
    }
    EXPECT_EQ(utf8_mqtt_problem(std::string(40, 'a') + std::string(1, '\0')), "contains U+0000");
}

// A payload under Payload Format Indicator 1 is checked as well-formed UTF-8
// alone: U+0000 is a character there, not the end of a string.
TEST(mqtt_text, utf8_payload_rules) {
    const auto problem = [](std::string_view text) {
        return utf8_payload_problem(std::as_bytes(std::span(text.data(), text.size())));
    };
    for (const auto& r : utf8_rows)
        EXPECT_EQ(problem(r.text).empty(), r.valid || r.text == "a\0b"sv) << ::testing::PrintToString(r.text);
    EXPECT_EQ(problem("\0\0"sv), ""sv);
    EXPECT_EQ(problem("\xED\xBF\xBF"), "contains a UTF-16 surrogate (U+D800..U+DFFF)");
    EXPECT_EQ(problem("ok \xE2\x82"), "is not well-formed UTF-8");
}

TEST(mqtt_text, invalid_strings_in_packets_are_malformed) {
    // Client identifier "a\0": U+0000.
    auto diagnostic = decode_error(wire("10 0E 00 04 'MQTT' 04 02 00 3C 00 02 'a' 00"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_utf8);
    EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
    EXPECT_EQ(diagnostic.message, "CONNECT client identifier contains U+0000");
    // Topic name with a surrogate.
    diagnostic = decode_error(wire("30 05 00 03 ED A0 80"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_utf8);
    EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
    // A user property value that is not UTF-8.
    diagnostic = decode_error(wire("E0 09 00 07 26 00 01 'k' 00 01 FF"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_utf8);
    EXPECT_EQ(diagnostic.message, "DISCONNECT property User Property (0x26) value is not well-formed UTF-8");
    // Encoding refuses them too.
    publish_packet publish;
    publish.topic = "t";
    publish.properties.content_type = std::string("\xC0\x80");
    EXPECT_EQ(encode_error(publish, v5), mqtt_errc::invalid_utf8);
}

TEST(mqtt_text, topic_names) {
    struct row {
        std::string_view name;
        bool valid;
    };
    const row rows[] = {
        {"a", true},         {"a/b/c", true},  {"/", true},           {"a//b", true},  {"/a/", true},
        {"$SYS/broker", true}, {" ", true},    {"caf\xC3\xA9", true}, {"", false},     {"a/+", false},
        {"+", false},        {"a/#", false},   {"#", false},          {"a+b", false},  {"a#", false},
        {"a\0"sv, false},
    };
    for (const auto& r : rows) EXPECT_EQ(valid_topic_name(r.name), r.valid) << r.name;
    EXPECT_FALSE(valid_topic_name(std::string(65'536, 'a')));
    EXPECT_TRUE(valid_topic_name(std::string(65'535, 'a')));
    EXPECT_EQ(topic_name_problem("a/+"), "contains '+' (wildcards are not allowed in topic names)");
}

TEST(mqtt_text, topic_filters) {
    struct row {
        std::string_view filter;
        bool valid;
    };
    const row rows[] = {
        {"a", true},       {"#", true},        {"+", true},       {"a/#", true},     {"a/+/c", true},
        {"+/+", true},     {"/+", true},       {"+/", true},      {"/#", true},      {"a//b", true},
        {"$SYS/#", true},  {"+/tennis/#", true}, {"", false},     {"a#", false},     {"a/#/c", false},
        {"#/", false},     {"a/b#", false},    {"a+", false},     {"+a", false},     {"a/+b/c", false},
        {"sport+", false}, {"##", false},      {"++", false},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(valid_topic_filter(r.filter), r.valid) << r.filter;
        EXPECT_EQ(parse_topic_filter(r.filter).has_value(), r.valid) << r.filter;
    }
    EXPECT_EQ(topic_filter_problem("a/#/c", false), "has a '#' that is not the whole last level");
    EXPECT_EQ(topic_filter_problem("a+", false), "has a '+' that does not fill a whole level");
}

TEST(mqtt_text, shared_subscriptions) {
    const auto parsed = parse_topic_filter("$share/group/a/+/c");
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->shared());
    EXPECT_EQ(parsed->share_name, "group");
    EXPECT_EQ(parsed->filter, "a/+/c");

    const auto hash = parse_topic_filter("$share/g/#");
    ASSERT_TRUE(hash);
    EXPECT_EQ(hash->filter, "#");

    const auto plain = parse_topic_filter("a/b");
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->shared());
    EXPECT_EQ(plain->filter, "a/b");

    for (const auto bad : {"$share/", "$share/group", "$share//a", "$share/g+/a", "$share/g#/a", "$share/g/",
                           "$share/g/a/#/b"}) {
        EXPECT_FALSE(parse_topic_filter(bad).has_value()) << bad;
    }
    // Not a shared subscription: "$share" must be followed by '/'.
    EXPECT_FALSE(parse_topic_filter("$shared/g/a")->shared());
    // Before 5.0 "$share/..." is an ordinary filter.
    EXPECT_TRUE(valid_topic_filter("$share/group"));
    EXPECT_EQ(topic_filter_problem("$share/group", true),
              "is a shared subscription without a '/' after the share name");
}

TEST(mqtt_text, topic_matching) {
    // §4.7.1: the examples of the specification.
    EXPECT_TRUE(topic_matches("sport/tennis/player1/#", "sport/tennis/player1"));
    EXPECT_TRUE(topic_matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
    EXPECT_TRUE(topic_matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
    EXPECT_TRUE(topic_matches("sport/#", "sport"));
    EXPECT_TRUE(topic_matches("sport/tennis/+", "sport/tennis/player1"));
    EXPECT_FALSE(topic_matches("sport/tennis/+", "sport/tennis/player1/ranking"));
    EXPECT_FALSE(topic_matches("sport/+", "sport"));
    EXPECT_TRUE(topic_matches("sport/+", "sport/"));
    EXPECT_TRUE(topic_matches("+/+", "/finance"));
    EXPECT_TRUE(topic_matches("/+", "/finance"));
    EXPECT_FALSE(topic_matches("+", "/finance"));
    EXPECT_TRUE(topic_matches("a//b", "a//b"));
    EXPECT_FALSE(topic_matches("a/b", "a/bc"));
    EXPECT_FALSE(topic_matches("a/b", "a"));
    // §4.7.2: $-topics and first-level wildcards.
    EXPECT_FALSE(topic_matches("#", "$SYS/x"));
    EXPECT_FALSE(topic_matches("+/monitor/Clients", "$SYS/monitor/Clients"));
    EXPECT_TRUE(topic_matches("$SYS/#", "$SYS/x"));
    EXPECT_TRUE(topic_matches("#", "any/thing"));
}

} // namespace
} // namespace gantry::protocols::mqtt
