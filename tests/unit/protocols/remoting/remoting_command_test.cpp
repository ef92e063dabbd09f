// Flags, responses and typed ext-field access with Java's parse rules.
#include <gtest/gtest.h>

#include <limits>

#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "remoting_test_support.hpp"

namespace gantry::protocols::remoting {
namespace {

using namespace test;

TEST(remoting_command, flags) {
    remoting_command command;
    EXPECT_FALSE(command.is_response());
    EXPECT_FALSE(command.is_oneway());
    command.flag = oneway_flag;
    EXPECT_TRUE(command.is_oneway());
    EXPECT_FALSE(command.is_response());
    command.flag = response_flag;
    EXPECT_TRUE(command.is_response());
    EXPECT_FALSE(command.is_oneway());
}

TEST(remoting_command, go_and_cpp_oneway_requests_arrive_with_flag_zero) {
    // UPDATE_CONSUMER_OFFSET from Go: "one-way" in the client, flag 0 on the wire.
    const auto go = decode_whole(json_frame(
        R"({"code":15,"language":"GO","version":317,"opaque":12,"flag":0,"remark":"",)"
        R"("extFields":{"consumerGroup":"cg","topic":"T1","queueId":"0","commitOffset":"17","bname":"broker-a"}})"));
    EXPECT_EQ(go.code, request_code::update_consumer_offset);
    EXPECT_FALSE(go.is_oneway());
    EXPECT_FALSE(go.is_response());
    const auto java = decode_whole(json_frame(R"({"code":15,"flag":2,"language":"JAVA","opaque":13,"version":409})"));
    EXPECT_TRUE(java.is_oneway());
}

TEST(remoting_command, make_response_echoes_opaque_and_serialization) {
    remoting_command request;
    request.code = request_code::heart_beat;
    request.opaque = 99;
    request.language = "CPP";
    request.version = 333;
    request.flag = 0;
    request.serialization = serialization_type::rocketmq;
    request.set_ext("k", "v");
    const auto response = make_response(request, response_code::system_error, "no");
    EXPECT_EQ(response.code, response_code::system_error);
    EXPECT_EQ(response.opaque, 99);
    EXPECT_TRUE(response.is_response());
    EXPECT_FALSE(response.is_oneway());
    EXPECT_EQ(response.language, "JAVA");
    EXPECT_EQ(response.version, broker_version);
    EXPECT_EQ(response.serialization, serialization_type::rocketmq);
    EXPECT_EQ(*response.remark, "no");
    EXPECT_TRUE(response.ext_fields.empty());
    EXPECT_FALSE(make_response(request, 0).remark.has_value());
}

TEST(remoting_command, ext_int_follows_integer_parse_int) {
    remoting_command command;
    command.set_ext("zero", "0");
    command.set_ext("plus", "+12");
    command.set_ext("minus", "-12");
    command.set_ext("max", "2147483647");
    command.set_ext("min", "-2147483648");
    command.set_ext("over", "2147483648");
    command.set_ext("space", " 1");
    command.set_ext("empty", "");
    command.set_ext("sign", "-");
    command.set_ext("float", "1.0");
    command.set_ext("leading", "007");
    EXPECT_EQ(command.ext_int32("zero").value(), 0);
    EXPECT_EQ(command.ext_int32("plus").value(), 12);
    EXPECT_EQ(command.ext_int32("minus").value(), -12);
    EXPECT_EQ(command.ext_int32("max").value(), 2147483647);
    EXPECT_EQ(command.ext_int32("min").value(), std::numeric_limits<std::int32_t>::min());
    EXPECT_EQ(command.ext_int32("leading").value(), 7);
    for (const char* bad : {"over", "space", "empty", "sign", "float"}) {
        EXPECT_EQ(command.ext_int32(bad).error(), remoting_errc::ext_field_not_a_number) << bad;
    }
    EXPECT_EQ(command.ext_int32("absent").error(), remoting_errc::ext_field_missing);
    EXPECT_EQ(command.ext_int64("over").value(), 2147483648);
}

TEST(remoting_command, ext_long_follows_long_parse_long) {
    EXPECT_EQ(parse_java_long("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(parse_java_long("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
    EXPECT_FALSE(parse_java_long("9223372036854775808"));
    EXPECT_FALSE(parse_java_long("-9223372036854775809"));
    EXPECT_FALSE(parse_java_long("1L"));
    EXPECT_EQ(parse_java_long("-1"), -1);
}

TEST(remoting_command, ext_bool_follows_boolean_parse_boolean) {
    remoting_command command;
    command.set_ext("a", "true");
    command.set_ext("b", "TRUE");
    command.set_ext("c", "True");
    command.set_ext("d", "1");
    command.set_ext("e", "yes");
    command.set_ext("f", "true ");
    command.set_ext("g", "");
    EXPECT_TRUE(command.ext_bool("a").value());
    EXPECT_TRUE(command.ext_bool("b").value());
    EXPECT_TRUE(command.ext_bool("c").value());
    for (const char* no : {"d", "e", "f", "g"}) EXPECT_FALSE(command.ext_bool(no).value()) << no;
    EXPECT_EQ(command.ext_bool("absent").error(), remoting_errc::ext_field_missing);
}

TEST(remoting_command, ext_string_and_remarks_for_system_error) {
    remoting_command command;
    command.set_ext("topic", "T1");
    command.set_ext("queueId", "abc");
    EXPECT_EQ(command.ext_string("topic").value(), "T1");
    EXPECT_EQ(command.ext_string("group").error(), remoting_errc::ext_field_missing);
    EXPECT_EQ(ext_field_remark(command, "queueId", command.ext_int32("queueId").error()),
              "the request header field queueId is not a number: abc");
    EXPECT_EQ(ext_field_remark(command, "group", command.ext_string("group").error()),
              "the request header field group is missing");
}

TEST(remoting_command, language_codes) {
    EXPECT_EQ(language_name(language_code::node_js), "NODE_JS");
    EXPECT_EQ(language_from_name("PYTHON"), language_code::python);
    EXPECT_FALSE(language_from_name("java"));  // Enum.valueOf is case-sensitive
    EXPECT_EQ(language_from_byte(12), language_code::rust);
    EXPECT_FALSE(language_from_byte(14));
}

} // namespace
} // namespace gantry::protocols::remoting
