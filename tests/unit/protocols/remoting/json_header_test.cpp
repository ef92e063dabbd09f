// JSON headers as Java, Go, C++ and JavaScript clients send them (spec 1.2,
// 4.6 and the appendix).
#include <gtest/gtest.h>

#include "remoting_test_support.hpp"

namespace gantry::protocols::remoting {
namespace {

using namespace test;

TEST(json_header, java_response_shape) {
    const auto command = decode_whole(json_frame(
        R"({"code":0,"extFields":{"msgId":"C0A8010100002A9F0000000000001A2B","queueId":"2","queueOffset":"17",)"
        R"("MSG_REGION":"DefaultRegion","TRACE_ON":"true"},"flag":1,"language":"JAVA","opaque":42,)"
        R"("serializeTypeCurrentRPC":"JSON","version":409})"));
    EXPECT_EQ(command.code, 0);
    EXPECT_EQ(command.flag, 1);
    EXPECT_TRUE(command.is_response());
    EXPECT_EQ(command.language, "JAVA");
    EXPECT_EQ(command.known_language(), language_code::java);
    EXPECT_EQ(command.opaque, 42);
    EXPECT_EQ(command.version, 409);
    EXPECT_FALSE(command.remark.has_value());
    EXPECT_EQ(command.serialization, serialization_type::json);
    EXPECT_EQ(command.ext_fields.size(), 5U);
    EXPECT_EQ(*command.find_ext("msgId"), "C0A8010100002A9F0000000000001A2B");
    EXPECT_EQ(*command.find_ext("TRACE_ON"), "true");
    EXPECT_TRUE(command.body.empty());
}

TEST(json_header, go_request_shape_with_empty_remark_and_ext) {
    const auto command = decode_whole(json_frame(
        R"({"code":34,"language":"GO","version":317,"opaque":7,"flag":0,"remark":"","extFields":{}})",
        R"({"clientID":"x"})"));
    EXPECT_EQ(command.code, 34);
    EXPECT_EQ(command.language, "GO");
    EXPECT_EQ(command.known_language(), language_code::go);
    EXPECT_EQ(command.version, 317);
    EXPECT_EQ(command.opaque, 7);
    ASSERT_TRUE(command.remark.has_value());
    EXPECT_EQ(*command.remark, "");
    EXPECT_TRUE(command.ext_fields.empty());
    EXPECT_EQ(to_text(command.body), R"({"clientID":"x"})");
}

TEST(json_header, cpp_shape_with_trailing_newline_numbers_and_acl_keys) {
    const auto command = decode_whole(json_frame(
        "{\"code\":310,\"extFields\":{\"AccessKey\":\"\",\"OnsChannel\":\"\",\"Signature\":\"\",\"a\":\"pg\","
        "\"b\":\"T1\",\"c\":\"TBW102\",\"d\":4,\"e\":3,\"f\":0,\"g\":\"1690000000000\",\"h\":0,"
        "\"i\":\"TAGS\\u0001TagA\\u0002WAIT\\u0001true\\u0002\",\"j\":0,\"k\":false,\"l\":16,\"m\":\"false\"},"
        "\"flag\":0,\"language\":\"CPP\",\"opaque\":5,\"remark\":\"\",\"version\":333}\n",
        "hello"));
    EXPECT_EQ(command.code, 310);
    EXPECT_EQ(command.known_language(), language_code::cpp);
    EXPECT_EQ(command.version, 333);
    EXPECT_EQ(*command.find_ext("AccessKey"), "");
    EXPECT_EQ(*command.find_ext("d"), "4");
    EXPECT_EQ(*command.find_ext("l"), "16");
    EXPECT_EQ(*command.find_ext("k"), "false");
    EXPECT_EQ(*command.find_ext("m"), "false");
    EXPECT_EQ(*command.find_ext("i"), "TAGS\x01TagA\x02WAIT\x01true\x02");
    EXPECT_EQ(command.ext_int32("e").value(), 3);
    EXPECT_EQ(command.ext_int64("g").value(), 1690000000000);
    EXPECT_EQ(to_text(command.body), "hello");
}

TEST(json_header, javascript_shape_with_raw_numbers_and_booleans) {
    const auto command = decode_whole(json_frame(
        R"({"code":11,"language":"JAVA","version":78,"opaque":1,"flag":0,)"
        R"("extFields":{"consumerGroup":"cg","queueId":0,"queueOffset":-1,"maxMsgNums":32,)"
        R"("sysFlag":6,"commitOffset":9007199254740993,"suspendTimeoutMillis":15000,"subVersion":1690000000123,)"
        R"("expressionType":"TAG","unit":true}})"));
    EXPECT_EQ(*command.find_ext("queueOffset"), "-1");
    EXPECT_EQ(*command.find_ext("commitOffset"), "9007199254740993");
    EXPECT_EQ(*command.find_ext("unit"), "true");
    EXPECT_EQ(command.ext_int64("subVersion").value(), 1690000000123);
    EXPECT_TRUE(command.ext_bool("unit").value());
}

TEST(json_header, any_key_order_unknown_keys_and_missing_optionals) {
    const auto command = decode_whole(json_frame(
        R"({"newIn5x":{"a":[1,{"b":null}]},"opaque":3,"extFields":{"k":"v"},"zz":[],"code":105,)"
        R"("serializeTypeCurrentRPC":"ROCKETMQ","flag":0})"));
    EXPECT_EQ(command.code, 105);
    EXPECT_EQ(command.opaque, 3);
    EXPECT_EQ(command.language, "JAVA");  // Java's default when absent
    EXPECT_EQ(*command.find_ext("k"), "v");
    // The header word, not serializeTypeCurrentRPC, decides.
    EXPECT_EQ(command.serialization, serialization_type::json);

    const auto bare = decode_whole(json_frame(R"({"code":34})"));
    EXPECT_EQ(bare.code, 34);
    EXPECT_TRUE(bare.ext_fields.empty());
    EXPECT_FALSE(bare.remark.has_value());
}

TEST(json_header, unknown_language_name_is_kept) {
    const auto command = decode_whole(json_frame(R"({"code":34,"language":"NODE_JS2"})"));
    EXPECT_EQ(command.language, "NODE_JS2");
    EXPECT_FALSE(command.known_language().has_value());
    EXPECT_EQ(decode_whole(json_frame(R"({"language":"RUST"})")).known_language(), language_code::rust);
}

TEST(json_header, fastjson_leniency_for_numbers_as_strings_and_ordinals) {
    const auto command = decode_whole(json_frame(R"({"code":"310","opaque":"-5","language":9,"version":null})"));
    EXPECT_EQ(command.code, 310);
    EXPECT_EQ(command.opaque, -5);
    EXPECT_EQ(command.language, "GO");
    EXPECT_EQ(command.version, broker_version);  // null leaves the default
}

TEST(json_header, escapes_and_raw_utf8) {
    const auto command = decode_whole(json_frame(
        "{\"code\":10,\"remark\":\"caf\xC3\xA9 \\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\n\\t\","
        "\"extFields\":{\"p\":\"\\u0001\\u0002\\u0000\\u001f\",\"\xE4\xB8\xAD\":\"\xE6\x96\x87\"}}"));
    EXPECT_EQ(*command.remark, "caf\xC3\xA9 \xC3\xA9 \xF0\x9F\x98\x80 \"q\" \\ / \n\t");
    EXPECT_EQ(*command.find_ext("p"), std::string("\x01\x02\x00\x1f", 4));
    EXPECT_EQ(*command.find_ext("\xE4\xB8\xAD"), "\xE6\x96\x87");
}

TEST(json_header, malformed_utf8_becomes_replacement_characters_as_in_java) {
    const auto command = decode_whole(json_frame("{\"remark\":\"a\xFF" "b\xE6\x96\"}"));
    EXPECT_EQ(*command.remark, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

TEST(json_header, numbers_in_ext_fields_become_fastjson_text) {
    const auto command = decode_whole(json_frame(
        R"({"extFields":{"i":-42,"u":18446744073709551615,"big":123456789012345678901234567890,)"
        R"("f":1.5,"g":1.50,"h":-0.0,"e":1e3,"e2":1.0E+3,"small":0.0000001,"small2":0.000001,)"
        R"("neg":-12.5e-1,"z":0e5,"n":null}})"));
    EXPECT_EQ(*command.find_ext("i"), "-42");
    EXPECT_EQ(*command.find_ext("u"), "18446744073709551615");
    EXPECT_EQ(*command.find_ext("big"), "123456789012345678901234567890");
    // Floats: java.math.BigDecimal.toString() of the literal.
    EXPECT_EQ(*command.find_ext("f"), "1.5");
    EXPECT_EQ(*command.find_ext("g"), "1.50");
    EXPECT_EQ(*command.find_ext("h"), "0.0");
    EXPECT_EQ(*command.find_ext("e"), "1E+3");
    EXPECT_EQ(*command.find_ext("e2"), "1.0E+3");
    EXPECT_EQ(*command.find_ext("small"), "1E-7");
    EXPECT_EQ(*command.find_ext("small2"), "0.000001");
    EXPECT_EQ(*command.find_ext("neg"), "-1.25");
    EXPECT_EQ(*command.find_ext("z"), "0E+5");
    EXPECT_EQ(command.find_ext("n"), nullptr);  // null means "no value" to Java's header decoder
}

TEST(json_header, duplicate_keys_last_one_wins) {
    const auto command = decode_whole(json_frame(R"({"code":1,"code":2,"extFields":{"k":"a","k":"b"}})"));
    EXPECT_EQ(command.code, 2);
    EXPECT_EQ(*command.find_ext("k"), "b");
}

TEST(json_header, refused_shapes_name_the_problem) {
    EXPECT_NE(decode_error(json_frame(R"({"extFields":{"k":{"x":"y"}}})")).find("is an object"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"({"extFields":{"k":["y"]}})")).find("is an array"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"({"extFields":[]})")).find("extFields"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"({"extFields":"x"})")).find("extFields"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"([1,2])")).find("not an object"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"("text")")).find("not an object"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"({"code":2147483648})")).find("code"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"({"code":1.5})")).find("code"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"({"opaque":"12x"})")).find("opaque"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"({"language":99})")).find("language"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"({"code":1} x)")).find("malformed JSON"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"({"code":1)")).find("malformed JSON"), std::string::npos);
    EXPECT_NE(decode_error(json_frame("")).find("malformed JSON"), std::string::npos);
    EXPECT_NE(decode_error(json_frame(R"({"u":)" + std::string(100, '[') + std::string(100, ']') + "}"))
                  .find("deeper"),
              std::string::npos);
    const auto error = remoting_codec{}.decode(json_frame("{oops}"));
    EXPECT_EQ(error.diagnostic.code, remoting_errc::malformed_json_header);
}

} // namespace
} // namespace gantry::protocols::remoting
