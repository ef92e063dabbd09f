#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "gantry/store/message_record.hpp"
#include "gantry/namesrv/namesrv_error.hpp"
#include "gantry/namesrv/register_broker_body.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "namesrv_test_support.hpp"
#include "../support/zlib_compressed.hpp"

namespace gantry::namesrv::test {
namespace {

// What a 4.9 Java broker sends (fastjson, keys sorted).
constexpr std::string_view java_body =
    R"({"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"timestamp":1700000000000},)"
    R"("topicConfigTable":{"TBW102":{"order":false,"perm":7,"readQueueNums":8,"topicFilterType":"SINGLE_TAG",)"
    R"("topicName":"TBW102","topicSysFlag":0,"writeQueueNums":8},"TopicA":{"order":true,"perm":6,)"
    R"("readQueueNums":4,"topicFilterType":"MULTI_TAG","topicName":"TopicA","topicSysFlag":1,"writeQueueNums":2}}}})";

broker_registration java_body_registration() {
    broker_registration r;
    r.version = {3, 1700000000000, 0};
    r.topics = {topic("TBW102", 8, 7), topic("TopicA", 4)};
    r.topics[1].write_queue_nums = 2;
    r.topics[1].filter_type = topic_filter_type::multi_tag;
    r.topics[1].topic_sys_flag = 1;
    r.topics[1].order = true;
    return r;
}

void put_i32(std::string& out, std::int32_t value) {
    const auto v = static_cast<std::uint32_t>(value);
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void put_piece(std::string& out, std::string_view piece) {
    put_i32(out, static_cast<std::int32_t>(piece.size()));
    out.append(piece);
}

// RegisterBrokerBody.encode(true) of Java 4.9, built by hand.
std::string compressed_layout() {
    std::string plain;
    put_piece(plain, R"({"counter":3,"timestamp":1700000000000})");
    put_i32(plain, 2);
    put_piece(plain, "TBW102 8 8 7 SINGLE_TAG");
    put_piece(plain, "TopicA 4 2 6 MULTI_TAG");
    put_piece(plain, "[]");
    return plain;
}

bytes deflate(std::string_view plain) { return to_bytes(gantry::testing::zlib_compressed(plain)); }

TEST(namesrv_register_body_test, parses_a_java_broker_body) {
    const auto parsed = parse_register_broker_body(to_bytes(java_body), false);
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(*parsed, java_body_registration());
}

TEST(namesrv_register_body_test, tolerates_what_fastjson_tolerates) {
    // Numbers as strings, a filter type ordinal, "true", unknown fields (5.x
    // attributes and mapping tables), no topicName (the key names it), nulls.
    constexpr std::string_view lenient =
        R"({"topicConfigSerializeWrapper":{"dataVersion":{"counter":"3","timestamp":1700000000000,"stateVersion":2},)"
        R"("mappingDataVersion":{"counter":0},"topicQueueMappingInfoMap":{},)"
        R"("topicConfigTable":{"TopicA":{"attributes":{"+queue.type":"Normal"},"order":"true","perm":"6",)"
        R"("readQueueNums":4.0,"topicFilterType":1,"topicSysFlag":null,"writeQueueNums":"2"},"Skipped":null}},)"
        R"("filterServerList":null,"extra":[1,2,{"x":true}]})";
    const auto parsed = parse_register_broker_body(to_bytes(lenient), false);
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(parsed->version, (data_version{3, 1700000000000, 2}));
    ASSERT_EQ(parsed->topics.size(), 1U);
    auto expected = topic("TopicA", 4);
    expected.write_queue_nums = 2;
    expected.filter_type = topic_filter_type::multi_tag;
    expected.order = true;
    EXPECT_EQ(parsed->topics[0], expected);
}

TEST(namesrv_register_body_test, parses_the_compressed_layout) {
    const auto parsed = parse_register_broker_body(deflate(compressed_layout()), true);
    ASSERT_TRUE(parsed) << parsed.error().message();
    // The compressed layout carries neither topicSysFlag nor order.
    auto expected = java_body_registration();
    expected.topics[1].topic_sys_flag = 0;
    expected.topics[1].order = false;
    EXPECT_EQ(*parsed, expected);
}

TEST(namesrv_register_body_test, refuses_malformed_bodies) {
    const auto refused = [](const bytes& body, bool compressed) {
        return parse_register_broker_body(body, compressed).error();
    };
    const std::error_code malformed = namesrv_errc::malformed_register_body;
    EXPECT_EQ(refused(to_bytes("{not json"), false), malformed);
    EXPECT_EQ(refused(to_bytes("[]"), false), malformed);
    EXPECT_EQ(refused(to_bytes(R"({"filterServerList":[1]})"), false), malformed);
    EXPECT_EQ(refused(to_bytes(R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"t":{"perm":"x"}}}})"), false),
              malformed);
    EXPECT_EQ(refused(to_bytes(R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"t":{"perm":4294967296}}}})"),
                      false),
              malformed);
    EXPECT_EQ(refused(to_bytes(R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"t":{"topicFilterType":"X"}}}})"),
                      false),
              malformed);
    // Not zlib, a truncated stream, and a layout cut short after the count.
    EXPECT_EQ(refused(to_bytes("plain text"), true), malformed);
    auto truncated = deflate(compressed_layout());
    truncated.resize(truncated.size() / 2);
    EXPECT_EQ(refused(truncated, true), malformed);
    auto cut = compressed_layout();
    cut.resize(cut.find("TopicA") - 4);
    EXPECT_EQ(refused(deflate(cut), true), malformed);
    EXPECT_EQ(refused(deflate(std::string("\x00\x00\x00\x02{}\xff\xff\xff\xff", 10)), true), malformed);
}

TEST(namesrv_register_body_test, a_body_inflating_past_the_limit_is_refused) {
    std::string plain;
    put_i32(plain, static_cast<std::int32_t>(max_inflated_register_body));
    plain.append(max_inflated_register_body, ' ');
    EXPECT_EQ(parse_register_broker_body(deflate(plain), true).error(),
              std::error_code(namesrv_errc::register_body_too_large));
}

TEST(namesrv_register_body_test, encodes_as_fastjson_does_and_round_trips) {
    auto registration = java_body_registration();
    EXPECT_EQ(encode_register_broker_body(registration), java_body);
    const auto body = encode_register_broker_body(registration);
    const auto parsed = parse_register_broker_body(to_bytes(body), false);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, registration);

    EXPECT_EQ(encode_register_broker_body(broker_registration{}),
              R"({"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":0,"timestamp":0},)"
              R"("topicConfigTable":{}}})");
}

TEST(namesrv_register_body_test, body_crc32_is_zlibs_masked_to_31_bits) {
    // crc32("123456789") = 0xCBF43926.
    EXPECT_EQ(store::body_crc32(to_bytes("123456789")), 0x4BF43926);
    EXPECT_EQ(store::body_crc32({}), 0);
}

TEST(namesrv_register_body_test, builds_the_whole_request) {
    auto registration = master({topic("TopicA", 4)});
    const auto request = make_register_broker_request(registration);
    EXPECT_EQ(request.code, protocols::remoting::request_code::register_broker);
    EXPECT_EQ(to_text(request.body), encode_register_broker_body(registration));
    EXPECT_EQ(request.ext_fields, (protocols::remoting::ext_field_map{
                                      {"bodyCrc32", std::to_string(store::body_crc32(request.body))},
                                      {"brokerAddr", "10.0.0.1:10911"},
                                      {"brokerId", "0"},
                                      {"brokerName", "broker-a"},
                                      {"clusterName", "DefaultCluster"},
                                      {"compressed", "false"},
                                      {"haServerAddr", "10.0.0.1:10912"}}));
}

} // namespace
} // namespace gantry::namesrv::test
