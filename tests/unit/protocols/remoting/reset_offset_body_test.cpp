#include "gantry/protocols/remoting/reset_offset_body.hpp"

#include <gtest/gtest.h>

#include "gantry/protocols/remoting/remoting_error.hpp"

namespace gantry::protocols::remoting {
namespace {

const std::vector<queue_offset> two{{"T", "broker-a", 0, 123}, {"T", "broker-a", 1, 7}};

TEST(reset_offset_body, java_form_has_message_queue_objects_as_keys_as_fastjson_writes_them) {
    EXPECT_EQ(reset_offset_body(two), R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:123,)"
                                      R"({"brokerName":"broker-a","queueId":1,"topic":"T"}:7}})");
    EXPECT_EQ(reset_offset_body({}), R"({"offsetTable":{}})");
}

TEST(reset_offset_body, c_form_is_a_list_with_the_offset_inside) {
    EXPECT_EQ(reset_offset_body_for_c(two),
              R"({"offsetTable":[{"brokerName":"broker-a","offset":123,"queueId":0,"topic":"T"},)"
              R"({"brokerName":"broker-a","offset":7,"queueId":1,"topic":"T"}]})");
}

TEST(reset_offset_body, both_forms_read_back_and_javas_spacing_and_braces_in_names_are_tolerated) {
    EXPECT_EQ(parse_reset_offset_body(reset_offset_body(two)).value(), two);
    EXPECT_EQ(parse_reset_offset_body(reset_offset_body_for_c(two)).value(), two);
    EXPECT_TRUE(parse_reset_offset_body(R"({"offsetTable":{}})").value().empty());
    const auto spaced = parse_reset_offset_body(
        R"( { "offsetTable" : { {"topic":"T","queueId":"2","brokerName":"b{1}"} : -1 } } )");
    ASSERT_TRUE(spaced);
    ASSERT_EQ(spaced->size(), 1u);
    EXPECT_EQ(spaced->front(), (queue_offset{"T", "b{1}", 2, -1}));
}

TEST(reset_offset_body, malformed_bodies_are_refused) {
    for (const auto* text : {"", "[]", R"({"offsetTable":{{"topic":"T","queueId":0}}})",
                             R"({"offsetTable":{{"topic":"T","queueId":0}:x}})",
                             R"({"offsetTable":{{"queueId":0}:1}})", R"({"offsetTable":[{"topic":"T","queueId":0}]})",
                             R"({"offsetTable":{{"topic":"T","queueId":0}:1)"})
        EXPECT_EQ(parse_reset_offset_body(std::string_view(text)).error(), remoting_errc::malformed_body) << text;
}

} // namespace
} // namespace gantry::protocols::remoting
