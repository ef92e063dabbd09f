#include "gantry/core/message_codec.hpp"
#include "gantry/store/unique_key.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "gantry/store/message_properties.hpp"

namespace gantry::core {
namespace {

// Encodes `m` into a record and decodes it again.
engine::message round_trip(const engine::message& m) {
    const auto encoded = encode_properties(m);
    EXPECT_TRUE(encoded) << encoded.error().message();
    const std::string props = encoded ? *encoded : std::string();
    store::message_to_store s;
    s.topic = m.topic;
    s.body = store::as_bytes(m.body);
    s.properties = props;
    s.born_timestamp = m.born_time_ms;
    const auto host = store::socket_address::ipv4(127, 0, 0, 1, 1);
    std::vector<std::byte> bytes(static_cast<std::size_t>(store::encoded_record_size(s, host)));
    store::encode_record(bytes, s, {}, host);
    const auto record = store::decode_record(bytes);
    EXPECT_TRUE(record);
    return decode_message(*record, body_placement::copied);
}

TEST(MessageCodec, EveryFieldSurvivesARecord) {
    engine::message m;
    m.topic = "sensors";
    m.tag = "room1/temp";
    m.keys = {"k1", "k2"};
    m.message_id = "ID-1";
    m.body = std::string("\0bin\xff", 5);
    m.born_time_ms = 1'700'000'000'123;
    m.expires_at_ms = 1'700'000'060'000;
    m.priority = 7;
    m.durable = false;
    m.correlation_id = "corr";
    m.reply_to = "/queue/replies";
    m.content_type = "application/json";
    m.type = "order";
    m.properties = {{"a", "1"}, {"a", "2"}, {"empty", ""}, {"KEYS", "user-keys"}, {"TAGS", "user-tag"}};
    const auto back = round_trip(m);
    EXPECT_EQ(back.topic, m.topic);
    EXPECT_EQ(back.tag, m.tag);
    EXPECT_EQ(back.keys, m.keys);
    EXPECT_EQ(back.message_id, m.message_id);
    EXPECT_EQ(back.body, m.body);
    EXPECT_EQ(back.born_time_ms, m.born_time_ms);
    EXPECT_EQ(back.expires_at_ms, m.expires_at_ms);
    EXPECT_EQ(back.priority, 7);
    EXPECT_FALSE(back.durable);
    EXPECT_EQ(back.correlation_id, m.correlation_id);
    EXPECT_EQ(back.reply_to, m.reply_to);
    EXPECT_EQ(back.content_type, m.content_type);
    EXPECT_EQ(back.type, m.type);
    EXPECT_EQ(back.properties, m.properties) << "repeated names, empty values and reserved names come back as sent";
}

TEST(MessageCodec, ReservesRocketMqSystemNamesAndGantrysPrefixOnly) {
    for (const auto* name : {"1ST_POP_TIME", "KEYS", "TAGS", "UNIQ_KEY", "__transactionId__", "GANTRY_ANY"})
        EXPECT_TRUE(is_reserved_property(name)) << name;
    for (const auto* name : {"", "1ST", "KEY", "KEYSS", "tags", "__transactionid__", "GANTRY", "ZZZ"})
        EXPECT_FALSE(is_reserved_property(name)) << name;
}

TEST(MessageCodec, UnsetFieldsStayUnset) {
    engine::message m;
    m.topic = "t";
    const auto back = round_trip(m);
    EXPECT_EQ(back.priority, engine::message::unset_priority);
    EXPECT_TRUE(back.durable);
    EXPECT_TRUE(back.properties.empty());
    EXPECT_EQ(back.expires_at_ms, 0);
}

TEST(MessageCodec, NativeClientsSeeRocketMqNames) {
    engine::message m;
    m.topic = "t";
    m.tag = "TagA";
    m.keys = {"order-1"};
    m.message_id = "UNIQ";
    m.correlation_id = "c";
    const auto props = encode_properties(m);
    ASSERT_TRUE(props);
    EXPECT_EQ(store::find_property(*props, "TAGS"), "TagA");
    EXPECT_EQ(store::find_property(*props, "KEYS"), "order-1");
    EXPECT_EQ(store::find_property(*props, "UNIQ_KEY"), "UNIQ");
    EXPECT_EQ(store::find_property(*props, "CORRELATION_ID"), "c");
}

TEST(MessageCodec, RefusesBytesTheRecordFormatReserves) {
    engine::message m;
    m.topic = "t";
    m.properties = {{"a", std::string("x\x01y")}};
    EXPECT_FALSE(encode_properties(m));
    m.properties = {{std::string("a\x02", 2), "v"}};
    EXPECT_FALSE(encode_properties(m));
    m.properties = {};
    m.keys = {"has space"};
    EXPECT_FALSE(encode_properties(m));
    m.keys = {};
    m.properties = {{"big", std::string(40'000, 'v')}};
    EXPECT_FALSE(encode_properties(m));
}

} // namespace
} // namespace gantry::core


namespace gantry::core {
namespace {

TEST(UniqueKey, ThirtyTwoHexCharactersAndNeverRepeated) {
    store::unique_key_generator keys(store::socket_address::ipv4(10, 1, 2, 3, 10911));
    const auto a = keys.next(1'700'000'000'000);
    const auto b = keys.next(1'700'000'000'000);
    EXPECT_EQ(a.size(), 32u);
    EXPECT_EQ(a.substr(0, 8), "0A010203");
    EXPECT_NE(a, b);
    EXPECT_EQ(a.find_first_not_of("0123456789ABCDEF"), std::string::npos);
}

} // namespace
} // namespace gantry::core
