#include "gantry/store/message_record.hpp"
#include "gantry/store/message_id.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "gantry/store/java_hash.hpp"
#include "gantry/store/message_properties.hpp"

namespace gantry::store {
namespace {

using namespace std::string_view_literals;

// Appends big-endian fields, to write expected records straight from the
// layout table in specs §3.1 rather than through the encoder under test.
struct bytes_builder {
    std::vector<std::byte> out;
    void u8(std::uint8_t v) { out.push_back(std::byte{v}); }
    void be(std::uint64_t v, int n) {
        for (int i = n - 1; i >= 0; --i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    void text(std::string_view s) {
        for (char c : s) u8(static_cast<std::uint8_t>(c));
    }
};

TEST(MessageRecord, EncodesTheSpecLayoutByteForByte) {
    const std::string props = std::string("TAGS") + '\x01' + "tagA" + '\x02' + "KEYS" + '\x01' + "k1 k2";
    message_to_store msg;
    msg.topic = "TopicTest";
    msg.queue_id = 3;
    msg.flag = 7;
    msg.body = as_bytes("hello");
    msg.properties = props;
    msg.born_timestamp = 0x0102030405060708;
    msg.born_host = socket_address::ipv4(10, 0, 0, 1, 5000);
    msg.reconsume_times = 2;
    msg.prepared_transaction_offset = 0;
    const auto store_host = socket_address::ipv4(192, 168, 1, 1, 10911);
    const record_stamp stamp{0x1A2B, 17, 0x1112131415161718, body_crc32(as_bytes("hello"))};

    bytes_builder want;
    const std::size_t total = 91 + 5 + 9 + props.size();
    want.be(total, 4);
    want.be(0xDAA320A7, 4);
    want.be(static_cast<std::uint32_t>(stamp.body_crc), 4);
    want.be(3, 4);                   // queueId
    want.be(7, 4);                   // flag
    want.be(17, 8);                  // queueOffset
    want.be(0x1A2B, 8);              // physicalOffset
    want.be(0, 4);                   // sysFlag: IPv4 hosts
    want.be(0x0102030405060708, 8);  // bornTimestamp
    want.text("\x0A\x00\x00\x01"sv); // bornHost
    want.be(5000, 4);
    want.be(0x1112131415161718, 8);  // storeTimestamp
    want.u8(192), want.u8(168), want.u8(1), want.u8(1);
    want.be(10911, 4);
    want.be(2, 4);                   // reconsumeTimes
    want.be(0, 8);                   // preparedTransactionOffset
    want.be(5, 4);
    want.text("hello");
    want.u8(9);
    want.text("TopicTest");
    want.be(props.size(), 2);
    want.text(props);

    ASSERT_EQ(encoded_record_size(msg, store_host), static_cast<std::int64_t>(total));
    std::vector<std::byte> got(total);
    encode_record(got, msg, stamp, store_host);
    EXPECT_EQ(got, want.out);

    // Fixed positions the spec calls out for IPv4 records.
    EXPECT_EQ(load_be<std::int64_t>(got.data() + 20), 17);
    EXPECT_EQ(load_be<std::int64_t>(got.data() + 28), 0x1A2B);
    EXPECT_EQ(load_be<std::int64_t>(got.data() + 40), 0x0102030405060708);
    EXPECT_EQ(load_be<std::int64_t>(got.data() + 56), 0x1112131415161718);
}

TEST(MessageRecord, DecodesWhatItEncodes) {
    const std::string body(1000, 'x');
    message_to_store msg;
    msg.topic = "t";
    msg.body = as_bytes(body);
    msg.born_host.is_v6 = true;
    msg.born_host.bytes[15] = 1;
    msg.born_host.port = 1;
    msg.sys_flag = sys_flag::transaction_commit;
    msg.prepared_transaction_offset = 99;
    const auto store_host = socket_address::ipv4(127, 0, 0, 1, 10911);
    std::vector<std::byte> bytes(static_cast<std::size_t>(encoded_record_size(msg, store_host)));
    encode_record(bytes, msg, {5, 6, 7, body_crc32(msg.body)}, store_host);

    const auto probe = probe_record(bytes);
    EXPECT_EQ(probe.kind, record_kind::message);
    EXPECT_EQ(probe.size, static_cast<std::int32_t>(bytes.size()));
    const auto d = decode_record(bytes);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->topic, "t");
    EXPECT_EQ(d->body.size(), 1000u);
    EXPECT_EQ(d->physical_offset, 5);
    EXPECT_EQ(d->queue_offset, 6);
    EXPECT_EQ(d->store_timestamp, 7);
    EXPECT_EQ(d->sys_flag, sys_flag::transaction_commit | sys_flag::born_host_v6);
    EXPECT_TRUE(d->born_host.is_v6);
    EXPECT_EQ(d->born_host, msg.born_host);
    EXPECT_EQ(d->store_host, store_host);
    EXPECT_EQ(d->prepared_transaction_offset, 99);
    EXPECT_TRUE(body_crc_matches(*d));
}

TEST(MessageRecord, RejectsEveryTruncationAndFlagsABadBody) {
    message_to_store msg;
    msg.topic = "topic";
    msg.body = as_bytes("payload");
    msg.properties = "a\x01" "b";
    const auto host = socket_address::ipv4(1, 2, 3, 4, 5);
    std::vector<std::byte> bytes(static_cast<std::size_t>(encoded_record_size(msg, host)));
    encode_record(bytes, msg, {0, 0, 0, body_crc32(msg.body)}, host);
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_EQ(probe_record(std::span(bytes).first(n)).kind, record_kind::invalid) << "length " << n;

    bytes[88] ^= std::byte{0x01}; // first body byte
    const auto d = decode_record(bytes);
    ASSERT_TRUE(d);
    EXPECT_FALSE(body_crc_matches(*d));
}

TEST(MessageRecord, BlankRecordEndsASegment) {
    std::vector<std::byte> bytes(64);
    encode_blank(bytes, 64);
    const auto probe = probe_record(bytes);
    EXPECT_EQ(probe.kind, record_kind::blank);
    EXPECT_EQ(probe.size, 64);
    EXPECT_EQ(load_be<std::uint32_t>(bytes.data() + 4), 0xCBD43194u);
}

TEST(MessageRecord, BodyCrcIsZlibCrc32MaskedTo31Bits) {
    // crc32("123456789") = 0xCBF43926, the standard check value.
    EXPECT_EQ(body_crc32(as_bytes("123456789")), 0x4BF43926);
}

TEST(JavaHash, MatchesJavaStringHashCode) {
    EXPECT_EQ(java_string_hash(""), 0);
    EXPECT_EQ(java_string_hash("TagA"), 2598919);
    EXPECT_EQ(java_string_hash("hello world"), 1794106052);
    // "é" is one UTF-16 unit (0xE9); "😀" is a surrogate pair D83D DE00.
    EXPECT_EQ(java_string_hash("\xC3\xA9"), 0xE9);
    EXPECT_EQ(java_string_hash("\xF0\x9F\x98\x80"), 0xD83D * 31 + 0xDE00);
}

TEST(JavaHash, ContinuesTheHashOfWhatCameBefore) {
    EXPECT_EQ(java_string_hash("world", java_string_hash("hello ")), 1794106052);
    EXPECT_EQ(java_string_hash("k\xC3\xA9y", java_string_hash("#", java_string_hash("topic"))),
              java_string_hash("topic#k\xC3\xA9y"));
}

TEST(MessageProperties, ParsesLikeJavaAndSkipsMalformedItems) {
    const std::string props = std::string("TAGS\x01tagA\x02KEYS\x01k1 k2\x02") + "\x01x\x02" + "EMPTY\x01\x02" + "ab\x02";
    EXPECT_EQ(find_property(props, "TAGS"), "tagA");
    EXPECT_EQ(find_property(props, "KEYS"), "k1 k2");
    EXPECT_FALSE(find_property(props, "EMPTY"));
    EXPECT_FALSE(find_property(props, ""));
    std::string built;
    append_property(built, "A", "1");
    append_property(built, "B", "2");
    EXPECT_EQ(built, "A\x01" "1\x02" "B\x01" "2");
}


TEST(MessageId, OffsetIdMatchesTheSpecExample) {
    // specs §3.6: 192.168.1.1:10911, offset 0x1A2B.
    const auto host = socket_address::ipv4(192, 168, 1, 1, 10911);
    EXPECT_EQ(offset_message_id(host, 0x1A2B), "C0A8010100002A9F0000000000001A2B");
    const auto back = decode_offset_message_id("c0a8010100002a9f0000000000001A2B");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->store_host, host);
    EXPECT_EQ(back->physical_offset, 0x1A2B);
    EXPECT_FALSE(decode_offset_message_id("C0A8"));
    EXPECT_FALSE(decode_offset_message_id("G0A8010100002A9F0000000000001A2B"));
}

} // namespace
} // namespace gantry::store
