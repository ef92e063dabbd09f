// AMQP 1.0 message sections ⇄ the engine's message. Inputs come from
// qpid-proton's own encoder (pn_message_t) and our output is read back with
// its decoder, so both directions are checked against an independent codec.
#include <gtest/gtest.h>

#include <proton/codec.h>
#include <proton/message.h>

#include <cstring>
#include <memory>
#include <random>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "gantry/protocols/amqp/amqp_mapping.hpp"

namespace gantry::protocols::amqp {
namespace {

constexpr std::int64_t now_ms = 1'700'000'000'000;

struct message_deleter {
    void operator()(pn_message_t* m) const noexcept { pn_message_free(m); }
};
using message_ptr = std::unique_ptr<pn_message_t, message_deleter>;
struct data_deleter {
    void operator()(pn_data_t* d) const noexcept { pn_data_free(d); }
};
using data_ptr = std::unique_ptr<pn_data_t, data_deleter>;

message_ptr new_message() { return message_ptr(pn_message()); }

pn_bytes_t bytes_of(std::string_view s) { return pn_bytes(s.size(), s.data()); }
std::string_view view(pn_bytes_t b) { return b.size == 0 ? std::string_view{} : std::string_view(b.start, b.size); }

std::string encoded(pn_message_t* m) {
    std::string out(1 << 16, '\0');
    std::size_t size = out.size();
    EXPECT_EQ(pn_message_encode(m, out.data(), &size), 0);
    out.resize(size);
    return out;
}

result<engine::message> decode(std::string_view bytes, std::int64_t now = now_ms) {
    return decode_message(std::as_bytes(std::span(bytes.data(), bytes.size())), now);
}

std::string encode(const engine::message& msg, std::uint32_t delivery_count = 0, std::int64_t now = now_ms) {
    std::string out;
    encode_message(msg, delivery_count, now, out);
    return out;
}

message_ptr proton_decode(const std::string& bytes) {
    auto m = new_message();
    EXPECT_EQ(pn_message_decode(m.get(), bytes.data(), bytes.size()), 0);
    return m;
}

const std::string* property(const engine::message& msg, std::string_view name) {
    for (const auto& [n, v] : msg.properties)
        if (n == name) return &v;
    return nullptr;
}

std::string property_text(const engine::message& msg, std::string_view name) {
    const auto* value = property(msg, name);
    return value ? *value : "<absent>";
}

// A described value built by hand, for what pn_message_t cannot make.
template <typename Fill>
std::string described(std::uint64_t code, Fill fill) {
    data_ptr d(pn_data(16));
    pn_data_put_described(d.get());
    pn_data_enter(d.get());
    pn_data_put_ulong(d.get(), code);
    fill(d.get());
    pn_data_exit(d.get());
    std::string out(static_cast<std::size_t>(pn_data_encoded_size(d.get())), '\0');
    EXPECT_EQ(pn_data_encode(d.get(), out.data(), out.size()), static_cast<ssize_t>(out.size()));
    return out;
}

std::string data_section(std::string_view bytes) {
    return described(0x75, [&](pn_data_t* d) { pn_data_put_binary(d, bytes_of(bytes)); });
}

// Positions `data` on the value of `key` in the map it holds.
bool lookup(pn_data_t* data, const char* key) {
    pn_data_rewind(data);
    return pn_data_next(data) && pn_data_enter(data) && pn_data_lookup(data, key);
}

bool same_atom(pn_atom_t a, pn_atom_t b) {
    if (a.type != b.type) return false;
    switch (a.type) {
    case PN_NULL: return true;
    case PN_BOOL: return a.u.as_bool == b.u.as_bool;
    case PN_UBYTE: return a.u.as_ubyte == b.u.as_ubyte;
    case PN_BYTE: return a.u.as_byte == b.u.as_byte;
    case PN_USHORT: return a.u.as_ushort == b.u.as_ushort;
    case PN_SHORT: return a.u.as_short == b.u.as_short;
    case PN_UINT: return a.u.as_uint == b.u.as_uint;
    case PN_INT: return a.u.as_int == b.u.as_int;
    case PN_CHAR: return a.u.as_char == b.u.as_char;
    case PN_ULONG: return a.u.as_ulong == b.u.as_ulong;
    case PN_LONG: return a.u.as_long == b.u.as_long;
    case PN_TIMESTAMP: return a.u.as_timestamp == b.u.as_timestamp;
    case PN_FLOAT: return a.u.as_float == b.u.as_float;
    case PN_DOUBLE: return a.u.as_double == b.u.as_double;
    case PN_UUID: return std::memcmp(a.u.as_uuid.bytes, b.u.as_uuid.bytes, 16) == 0;
    default: return view(a.u.as_bytes) == view(b.u.as_bytes);
    }
}

void expect_same(const engine::message& a, const engine::message& b) {
    EXPECT_EQ(a.message_id, b.message_id);
    EXPECT_EQ(a.body, b.body);
    EXPECT_EQ(a.born_time_ms, b.born_time_ms);
    EXPECT_EQ(a.deliver_at_ms, b.deliver_at_ms);
    EXPECT_EQ(a.expires_at_ms, b.expires_at_ms);
    EXPECT_EQ(a.priority, b.priority);
    EXPECT_EQ(a.durable, b.durable);
    EXPECT_EQ(a.correlation_id, b.correlation_id);
    EXPECT_EQ(a.reply_to, b.reply_to);
    EXPECT_EQ(a.content_type, b.content_type);
    EXPECT_EQ(a.properties, b.properties);
}

// decode(encode(decode(x))) == decode(x), field by field.
engine::message expect_round_trip(const std::string& bytes) {
    auto first = decode(bytes);
    EXPECT_TRUE(first) << first.error().message();
    if (!first) return {};
    auto again = decode(encode(*first));
    EXPECT_TRUE(again) << again.error().message();
    if (again) expect_same(*first, *again);
    return *first;
}

TEST(AmqpMapping, HeaderFieldsBecomeDurabilityPriorityAndExpiry) {
    auto m = new_message();
    pn_message_set_durable(m.get(), true);
    pn_message_set_priority(m.get(), 7);
    pn_message_set_ttl(m.get(), 5000);
    pn_message_set_delivery_count(m.get(), 3);
    auto msg = expect_round_trip(encoded(m.get()));
    EXPECT_TRUE(msg.durable);
    EXPECT_EQ(msg.priority, 7);
    EXPECT_EQ(msg.expires_at_ms, now_ms + 5000);
    EXPECT_TRUE(msg.topic.empty());
    EXPECT_TRUE(msg.tag.empty());
}

TEST(AmqpMapping, AMessageWithoutHeaderIsNotDurableAndHasNoPriority) {
    auto msg = decode(data_section("x"));
    ASSERT_TRUE(msg);
    EXPECT_FALSE(msg->durable);
    EXPECT_EQ(msg->priority, engine::message::unset_priority);
    EXPECT_EQ(msg->expires_at_ms, 0);
    EXPECT_EQ(msg->body, "x");
    EXPECT_EQ(property(*msg, body_property), nullptr);
}

TEST(AmqpMapping, PrioritiesAboveNineAreClampedToNine) {
    auto m = new_message();
    pn_message_set_priority(m.get(), 200);
    EXPECT_EQ(decode(encoded(m.get()))->priority, 9);
    engine::message out;
    out.priority = 0;
    EXPECT_EQ(pn_message_get_priority(proton_decode(encode(out)).get()), 0);
}

TEST(AmqpMapping, AnAbsoluteExpiryTimeWinsOverTheTtl) {
    auto m = new_message();
    pn_message_set_ttl(m.get(), 5000);
    pn_message_set_expiry_time(m.get(), now_ms + 60'000);
    EXPECT_EQ(decode(encoded(m.get()))->expires_at_ms, now_ms + 60'000);
    auto later = decode(encoded(m.get()), now_ms + 1000);
    EXPECT_EQ(later->expires_at_ms, now_ms + 60'000);
}

TEST(AmqpMapping, EveryPropertiesFieldReachesTheMessageAndComesBack) {
    auto m = new_message();
    pn_data_put_string(pn_message_id(m.get()), bytes_of("id-1"));
    pn_message_set_user_id(m.get(), bytes_of("alice"));
    pn_message_set_address(m.get(), "orders");
    pn_message_set_subject(m.get(), "new-order");
    pn_message_set_reply_to(m.get(), "replies");
    pn_data_put_string(pn_message_correlation_id(m.get()), bytes_of("corr-1"));
    pn_message_set_content_type(m.get(), "application/json");
    pn_message_set_content_encoding(m.get(), "gzip");
    pn_message_set_creation_time(m.get(), now_ms - 10);
    pn_message_set_group_id(m.get(), "g1");
    pn_message_set_group_sequence(m.get(), 42);
    pn_message_set_reply_to_group_id(m.get(), "rg");
    const auto msg = expect_round_trip(encoded(m.get()));
    EXPECT_EQ(msg.message_id, "id-1");
    EXPECT_EQ(property(msg, message_id_type_property), nullptr);
    EXPECT_EQ(property_text(msg, user_id_property), "alice");
    EXPECT_EQ(property_text(msg, to_property), "orders");
    EXPECT_EQ(property_text(msg, subject_property), "new-order");
    EXPECT_EQ(msg.reply_to, "replies");
    EXPECT_EQ(msg.correlation_id, "corr-1");
    EXPECT_EQ(msg.content_type, "application/json");
    EXPECT_EQ(property_text(msg, content_encoding_property), "gzip");
    EXPECT_EQ(msg.born_time_ms, now_ms - 10);
    EXPECT_EQ(property_text(msg, group_id_property), "g1");
    EXPECT_EQ(property_text(msg, group_sequence_property), "42");
    EXPECT_EQ(property_text(msg, reply_to_group_id_property), "rg");

    const auto back = proton_decode(encode(msg));
    EXPECT_EQ(view(pn_message_get_id(back.get()).u.as_bytes), "id-1");
    EXPECT_EQ(pn_message_get_id(back.get()).type, PN_STRING);
    EXPECT_EQ(view(pn_message_get_user_id(back.get())), "alice");
    EXPECT_STREQ(pn_message_get_address(back.get()), "orders");
    EXPECT_STREQ(pn_message_get_subject(back.get()), "new-order");
    EXPECT_STREQ(pn_message_get_reply_to(back.get()), "replies");
    EXPECT_EQ(view(pn_message_get_correlation_id(back.get()).u.as_bytes), "corr-1");
    EXPECT_STREQ(pn_message_get_content_type(back.get()), "application/json");
    EXPECT_STREQ(pn_message_get_content_encoding(back.get()), "gzip");
    EXPECT_EQ(pn_message_get_creation_time(back.get()), now_ms - 10);
    EXPECT_STREQ(pn_message_get_group_id(back.get()), "g1");
    EXPECT_EQ(pn_message_get_group_sequence(back.get()), 42);
    EXPECT_STREQ(pn_message_get_reply_to_group_id(back.get()), "rg");
    // Only what went to the properties section stays out of the application properties.
    EXPECT_EQ(pn_data_size(pn_message_properties(back.get())), 0u);
}

TEST(AmqpMapping, EachMessageIdTypeComesBackAsThatType) {
    const pn_uuid_t uuid{{'\x12', '\x34', '\x56', '\x78', '\x9a', '\xbc', '\xde', '\xf0', '\x01', '\x23', '\x45',
                          '\x67', '\x89', '\xab', '\xcd', '\xef'}};
    struct id_case {
        std::function<void(pn_data_t*)> put;
        std::string text;
        std::string type;
    };
    const std::vector<id_case> cases{
        {[](pn_data_t* d) { pn_data_put_ulong(d, 18446744073709551615ull); }, "18446744073709551615", "ulong"},
        {[&](pn_data_t* d) { pn_data_put_uuid(d, uuid); }, "12345678-9abc-def0-0123-456789abcdef", "uuid"},
        {[](pn_data_t* d) { pn_data_put_binary(d, bytes_of("bin-id")); }, "bin-id", "binary"},
        {[](pn_data_t* d) { pn_data_put_binary(d, bytes_of(std::string_view("\x00\xff", 2))); }, "00ff",
         "binary-hex"},
        {[](pn_data_t* d) { pn_data_put_string(d, bytes_of("text-id")); }, "text-id", "<absent>"},
    };
    for (const auto& c : cases) {
        auto m = new_message();
        c.put(pn_message_id(m.get()));
        c.put(pn_message_correlation_id(m.get()));
        const auto original = encoded(m.get());
        const auto msg = expect_round_trip(original);
        EXPECT_EQ(msg.message_id, c.text);
        EXPECT_EQ(msg.correlation_id, c.text);
        EXPECT_EQ(property_text(msg, message_id_type_property), c.type);
        EXPECT_EQ(property_text(msg, correlation_id_type_property), c.type);

        const auto back = proton_decode(encode(msg));
        const auto sent = proton_decode(original);
        const auto want = pn_message_get_id(sent.get());
        for (const auto got : {pn_message_get_id(back.get()), pn_message_get_correlation_id(back.get())}) {
            ASSERT_EQ(got.type, want.type) << c.text;
            EXPECT_TRUE(same_atom(got, want)) << c.text;
        }
    }
}

TEST(AmqpMapping, TypedApplicationPropertiesComeBackWithTheirTypes) {
    auto m = new_message();
    pn_data_t* p = pn_message_properties(m.get());
    pn_data_put_map(p);
    pn_data_enter(p);
    const auto key = [&](const char* name) { pn_data_put_string(p, bytes_of(name)); };
    key("s"), pn_data_put_string(p, bytes_of("text"));
    key("b"), pn_data_put_bool(p, true);
    key("ub"), pn_data_put_ubyte(p, 200);
    key("us"), pn_data_put_ushort(p, 60000);
    key("ui"), pn_data_put_uint(p, 4000000000u);
    key("ul"), pn_data_put_ulong(p, 18000000000000000000ull);
    key("by"), pn_data_put_byte(p, -5);
    key("sh"), pn_data_put_short(p, -300);
    key("i"), pn_data_put_int(p, -70000);
    key("l"), pn_data_put_long(p, -5000000000);
    key("f"), pn_data_put_float(p, 0.1f);
    key("d"), pn_data_put_double(p, 2.5e-300);
    key("c"), pn_data_put_char(p, 0x20AC);
    key("t"), pn_data_put_timestamp(p, now_ms);
    key("u"), pn_data_put_uuid(p, pn_uuid_t{{'\x00', '\x11', '\x22', '\x33', '\x44', '\x55', '\x66', '\x77', '\x88',
                                              '\x99', '\xaa', '\xbb', '\xcc', '\xdd', '\xee', '\xff'}});
    key("sy"), pn_data_put_symbol(p, bytes_of("sym"));
    key("bin"), pn_data_put_binary(p, bytes_of(std::string_view("\x00\x01\xfe", 3)));
    key("n"), pn_data_put_null(p);
    pn_data_exit(p);
    const auto msg = expect_round_trip(encoded(m.get()));

    const std::vector<std::pair<std::string, std::string>> want{
        {"s", "text"},
        {"b", "true"},        {"amqp.type.b", "bool"},
        {"ub", "200"},        {"amqp.type.ub", "ubyte"},
        {"us", "60000"},      {"amqp.type.us", "ushort"},
        {"ui", "4000000000"}, {"amqp.type.ui", "uint"},
        {"ul", "18000000000000000000"}, {"amqp.type.ul", "ulong"},
        {"by", "-5"},         {"amqp.type.by", "byte"},
        {"sh", "-300"},       {"amqp.type.sh", "short"},
        {"i", "-70000"},      {"amqp.type.i", "int"},
        {"l", "-5000000000"}, {"amqp.type.l", "long"},
        {"f", "0.1"},         {"amqp.type.f", "float"},
        {"d", "2.5e-300"},    {"amqp.type.d", "double"},
        {"c", "\u20ac"},      {"amqp.type.c", "char"},
        {"t", std::to_string(now_ms)}, {"amqp.type.t", "timestamp"},
        {"u", "00112233-4455-6677-8899-aabbccddeeff"}, {"amqp.type.u", "uuid"},
        {"sy", "sym"},        {"amqp.type.sy", "symbol"},
        {"bin", "0001fe"},    {"amqp.type.bin", "binary"},
        {"n", ""},            {"amqp.type.n", "null"},
        {"amqp.body", "none"},
    };
    EXPECT_EQ(msg.properties, want);

    // Proton reads back the types it wrote.
    const auto back = proton_decode(encode(msg));
    data_ptr original(pn_data(0));
    pn_data_copy(original.get(), pn_message_properties(m.get()));
    pn_data_t* got = pn_message_properties(back.get());
    pn_data_rewind(got);
    pn_data_rewind(original.get());
    ASSERT_TRUE(pn_data_next(got) && pn_data_next(original.get()));
    ASSERT_EQ(pn_data_type(got), PN_MAP);
    pn_data_enter(got);
    pn_data_enter(original.get());
    int entries = 0;
    while (pn_data_next(original.get())) {
        ASSERT_TRUE(pn_data_next(got));
        ++entries;
        EXPECT_TRUE(same_atom(pn_data_get_atom(got), pn_data_get_atom(original.get()))) << "entry " << entries;
    }
    EXPECT_FALSE(pn_data_next(got));
    EXPECT_EQ(entries, 36);
}

TEST(AmqpMapping, CompoundPropertyValuesTravelEncoded) {
    auto m = new_message();
    pn_data_t* p = pn_message_properties(m.get());
    pn_data_put_map(p);
    pn_data_enter(p);
    pn_data_put_string(p, bytes_of("list"));
    pn_data_put_list(p);
    pn_data_enter(p);
    pn_data_put_int(p, 1);
    pn_data_put_string(p, bytes_of("two"));
    pn_data_exit(p);
    pn_data_put_string(p, bytes_of("after"));
    pn_data_put_int(p, 3);
    pn_data_exit(p);
    const auto msg = expect_round_trip(encoded(m.get()));
    EXPECT_EQ(property_text(msg, "amqp.type.list"), "encoded");
    EXPECT_EQ(property_text(msg, "after"), "3");
    const auto back = proton_decode(encode(msg));
    pn_data_t* got = pn_message_properties(back.get());
    pn_data_rewind(got);
    pn_data_next(got);
    pn_data_enter(got);
    pn_data_next(got);
    EXPECT_EQ(view(pn_data_get_string(got)), "list");
    pn_data_next(got);
    ASSERT_EQ(pn_data_type(got), PN_LIST);
    EXPECT_EQ(pn_data_get_list(got), 2u);
}

TEST(AmqpMapping, AnnotationsBecomePropertiesAndComeBackTyped) {
    auto m = new_message();
    pn_data_t* a = pn_message_annotations(m.get());
    pn_data_put_map(a);
    pn_data_enter(a);
    pn_data_put_symbol(a, bytes_of("x-opt-jms-dest"));
    pn_data_put_byte(a, 1);
    pn_data_put_symbol(a, bytes_of("x-opt-to"));
    pn_data_put_string(a, bytes_of("queue-a"));
    pn_data_put_symbol(a, bytes_of("x-opt-delivery-time"));
    pn_data_put_timestamp(a, now_ms + 30'000);
    pn_data_exit(a);
    const auto msg = expect_round_trip(encoded(m.get()));
    EXPECT_EQ(msg.deliver_at_ms, now_ms + 30'000);
    EXPECT_EQ(property_text(msg, "amqp.annotation.x-opt-jms-dest"), "1");
    EXPECT_EQ(property_text(msg, "amqp.type.amqp.annotation.x-opt-jms-dest"), "byte");
    EXPECT_EQ(property_text(msg, "amqp.annotation.x-opt-to"), "queue-a");
    EXPECT_EQ(property(msg, "amqp.annotation.x-opt-delivery-time"), nullptr);

    const auto back = proton_decode(encode(msg));
    pn_data_t* got = pn_message_annotations(back.get());
    ASSERT_TRUE(lookup(got, "x-opt-jms-dest"));
    EXPECT_EQ(pn_data_type(got), PN_BYTE);
    EXPECT_EQ(pn_data_get_byte(got), 1);
    ASSERT_TRUE(lookup(got, "x-opt-delivery-time"));
    EXPECT_EQ(pn_data_get_timestamp(got), now_ms + 30'000);
    // Nothing of the annotations leaks into the application properties.
    EXPECT_EQ(pn_data_size(pn_message_properties(back.get())), 0u);
}

TEST(AmqpMapping, ADeliveryDelayCountsFromNow) {
    const auto with_delay = [](std::int64_t delay) {
        auto m = new_message();
        pn_data_t* a = pn_message_annotations(m.get());
        pn_data_put_map(a);
        pn_data_enter(a);
        pn_data_put_symbol(a, bytes_of("x-opt-delivery-delay"));
        pn_data_put_long(a, delay);
        pn_data_exit(a);
        return encoded(m.get());
    };
    EXPECT_EQ(decode(with_delay(2500))->deliver_at_ms, now_ms + 2500);
    EXPECT_EQ(decode(with_delay(-1))->deliver_at_ms, 0);
    EXPECT_EQ(decode(with_delay(0))->deliver_at_ms, 0);
}

TEST(AmqpMapping, DataSectionsAreTheBodyWithoutAMarker) {
    auto m = new_message();
    pn_message_set_inferred(m.get(), true);
    pn_data_put_binary(pn_message_body(m.get()), bytes_of("payload"));
    const auto msg = expect_round_trip(encoded(m.get()));
    EXPECT_EQ(msg.body, "payload");
    EXPECT_EQ(property(msg, body_property), nullptr);
    const auto back = proton_decode(encode(msg));
    EXPECT_TRUE(pn_message_is_inferred(back.get()));
}

TEST(AmqpMapping, SeveralDataSectionsAreJoined) {
    const auto msg = expect_round_trip(data_section("one,") + data_section("") + data_section("two"));
    EXPECT_EQ(msg.body, "one,two");
    EXPECT_EQ(property(msg, body_property), nullptr);
}

TEST(AmqpMapping, AStringAmqpValueComesBackAsAStringAmqpValue) {
    auto m = new_message();
    pn_data_put_string(pn_message_body(m.get()), bytes_of("h\xc3\xa9llo"));
    const auto msg = expect_round_trip(encoded(m.get()));
    EXPECT_EQ(msg.body, "h\xc3\xa9llo");
    EXPECT_EQ(property_text(msg, body_property), "value-string");
    const auto back = proton_decode(encode(msg));
    pn_data_t* body = pn_message_body(back.get());
    pn_data_rewind(body);
    ASSERT_TRUE(pn_data_next(body));
    EXPECT_EQ(pn_data_type(body), PN_STRING);
    EXPECT_FALSE(pn_message_is_inferred(back.get()));
}

TEST(AmqpMapping, ABinaryAmqpValueComesBackAsABinaryAmqpValue) {
    auto m = new_message();
    pn_data_put_binary(pn_message_body(m.get()), bytes_of(std::string_view("\x00\x01", 2)));
    const auto msg = expect_round_trip(encoded(m.get()));
    EXPECT_EQ(msg.body, std::string_view("\x00\x01", 2));
    EXPECT_EQ(property_text(msg, body_property), "value-binary");
    const auto back = proton_decode(encode(msg));
    EXPECT_FALSE(pn_message_is_inferred(back.get()));
    pn_data_t* body = pn_message_body(back.get());
    pn_data_rewind(body);
    ASSERT_TRUE(pn_data_next(body));
    EXPECT_EQ(pn_data_type(body), PN_BINARY);
}

TEST(AmqpMapping, ANullAmqpValueIsAnEmptyBody) {
    const auto msg = expect_round_trip(described(0x77, [](pn_data_t* d) { pn_data_put_null(d); }));
    EXPECT_EQ(msg.body, "");
    EXPECT_EQ(property_text(msg, body_property), "value-null");
    const auto again = encode(msg);
    EXPECT_NE(again.find(described(0x77, [](pn_data_t* d) { pn_data_put_null(d); })), std::string::npos);
}

TEST(AmqpMapping, OtherAmqpValuesAndSequencesTravelAsTheyWereEncoded) {
    const auto map_value = described(0x77, [](pn_data_t* d) {
        pn_data_put_map(d);
        pn_data_enter(d);
        pn_data_put_string(d, bytes_of("k"));
        pn_data_put_int(d, 1);
        pn_data_exit(d);
    });
    auto msg = expect_round_trip(map_value);
    EXPECT_EQ(msg.body, map_value);
    EXPECT_EQ(property_text(msg, body_property), "encoded");
    auto out = encode(msg);
    EXPECT_TRUE(out.ends_with(map_value));

    const auto sequence = [](int n) {
        return described(0x76, [n](pn_data_t* d) {
            pn_data_put_list(d);
            pn_data_enter(d);
            pn_data_put_int(d, n);
            pn_data_exit(d);
        });
    };
    msg = expect_round_trip(sequence(1) + sequence(2));
    EXPECT_EQ(msg.body, sequence(1) + sequence(2));
    EXPECT_EQ(property_text(msg, body_property), "encoded");
    EXPECT_TRUE(encode(msg).ends_with(sequence(1) + sequence(2)));
}

TEST(AmqpMapping, AMessageWithoutBodyLeavesWithoutBody) {
    const auto header = described(0x70, [](pn_data_t* d) {
        pn_data_put_list(d);
        pn_data_enter(d);
        pn_data_put_bool(d, true);
        pn_data_exit(d);
    });
    const auto msg = expect_round_trip(header);
    EXPECT_EQ(property_text(msg, body_property), "none");
    EXPECT_EQ(encode(msg), header);
}

TEST(AmqpMapping, AnEncodedMarkerOnABodyThatIsNoSectionLeavesAsData) {
    engine::message msg;
    msg.body = "not amqp";
    msg.properties = {{"amqp.body", "encoded"}};
    const auto back = proton_decode(encode(msg));
    EXPECT_TRUE(pn_message_is_inferred(back.get()));
}

TEST(AmqpMapping, AMessageFromAnotherProtocolEncodesCleanly) {
    engine::message msg;
    msg.topic = "sensors";
    msg.tag = "room1/temp";
    msg.body = "21.5";
    msg.message_id = "7F000001";
    msg.born_time_ms = now_ms;
    msg.content_type = "text/plain";
    msg.type = "reading";
    msg.properties = {{"mqtt.qos", "1"}, {"unit", "C"}, {"unit", "K"}, {"JMSXGroupID", "g"}, {"JMSXGroupSeq", "x"}};
    const auto bytes = encode(msg, 2);
    const auto back = proton_decode(bytes);
    EXPECT_TRUE(pn_message_is_durable(back.get()));
    EXPECT_EQ(pn_message_get_delivery_count(back.get()), 2u);
    EXPECT_EQ(view(pn_message_get_id(back.get()).u.as_bytes), "7F000001");
    EXPECT_STREQ(pn_message_get_content_type(back.get()), "text/plain");
    EXPECT_STREQ(pn_message_get_subject(back.get()), "reading");
    EXPECT_STREQ(pn_message_get_group_id(back.get()), "g");
    EXPECT_EQ(pn_message_get_creation_time(back.get()), now_ms);
    EXPECT_TRUE(pn_message_is_inferred(back.get()));
    pn_data_t* body = pn_message_body(back.get());
    pn_data_rewind(body);
    ASSERT_TRUE(pn_data_next(body));
    EXPECT_EQ(view(pn_data_get_binary(body)), "21.5");

    pn_data_t* p = pn_message_properties(back.get());
    pn_data_rewind(p);
    ASSERT_TRUE(pn_data_next(p));
    EXPECT_EQ(pn_data_get_map(p), 6u); // mqtt.qos, unit (first wins), JMSXGroupSeq (not a number)
    ASSERT_TRUE(lookup(p, "unit"));
    EXPECT_EQ(pn_data_type(p), PN_STRING);
    EXPECT_EQ(view(pn_data_get_string(p)), "C");
    ASSERT_TRUE(lookup(p, "mqtt.qos"));
    EXPECT_EQ(view(pn_data_get_string(p)), "1");
}

TEST(AmqpMapping, DurabilityExpiryAndDeliveryCountReachTheHeader) {
    engine::message msg;
    msg.durable = false;
    msg.priority = 3;
    msg.expires_at_ms = now_ms + 9000;
    const auto back = proton_decode(encode(msg, 4));
    EXPECT_FALSE(pn_message_is_durable(back.get()));
    EXPECT_EQ(pn_message_get_priority(back.get()), 3);
    EXPECT_EQ(pn_message_get_ttl(back.get()), 9000u);
    EXPECT_EQ(pn_message_get_expiry_time(back.get()), now_ms + 9000);
    EXPECT_EQ(pn_message_get_delivery_count(back.get()), 4u);

    msg.expires_at_ms = now_ms - 1; // expired on the way: still a ttl the receiver can apply
    EXPECT_EQ(pn_message_get_ttl(proton_decode(encode(msg)).get()), 1u);
}

TEST(AmqpMapping, PropertyBytesTheRecordCannotHoldAreRefused) {
    const auto with_property = [](std::string_view name, std::string_view value) {
        auto m = new_message();
        pn_data_t* p = pn_message_properties(m.get());
        pn_data_put_map(p);
        pn_data_enter(p);
        pn_data_put_string(p, bytes_of(name));
        pn_data_put_string(p, bytes_of(value));
        pn_data_exit(p);
        return decode(encoded(m.get())).error();
    };
    EXPECT_EQ(with_property(std::string_view("a\x01", 2), "v"), mapping_errc::invalid_property);
    EXPECT_EQ(with_property("a", std::string_view("v\x00", 2)), mapping_errc::invalid_property);
    EXPECT_EQ(with_property("amqp.body", "value-string"), mapping_errc::invalid_property);
    EXPECT_EQ(with_property("amqp.type.x", "int"), mapping_errc::invalid_property);
    EXPECT_FALSE(with_property("amqp.custom", "v")); // only the mapping's own names are reserved

    auto m = new_message();
    pn_message_set_subject(m.get(), "a\x02");
    EXPECT_EQ(decode(encoded(m.get())).error(), mapping_errc::invalid_property);
}

TEST(AmqpMapping, TruncatedOrGarbageInputIsMalformed) {
    EXPECT_EQ(decode("").error(), mapping_errc::malformed);
    EXPECT_EQ(decode("\x41").error(), mapping_errc::malformed); // true, not a section
    const auto section = data_section("0123456789");
    for (std::size_t cut = 1; cut < section.size(); ++cut)
        EXPECT_EQ(decode(std::string_view(section).substr(0, cut)).error(), mapping_errc::malformed) << cut;
    EXPECT_EQ(decode(section + "\xff").error(), mapping_errc::malformed);
    // A header that is no list, a data section that is no binary.
    EXPECT_EQ(decode(described(0x70, [](pn_data_t* d) { pn_data_put_int(d, 1); })).error(), mapping_errc::malformed);
    EXPECT_EQ(decode(described(0x75, [](pn_data_t* d) { pn_data_put_string(d, bytes_of("s")); })).error(),
              mapping_errc::malformed);
}

TEST(AmqpMapping, ErrorsBelongToTheAmqpMappingCategory) {
    const std::error_code ec = mapping_errc::unknown_section;
    EXPECT_STREQ(ec.category().name(), "gantry.amqp.mapping");
    EXPECT_NE(ec.message().find("out of order"), std::string::npos);
    EXPECT_EQ(decode("").error(), make_error_code(mapping_errc::malformed));
}

TEST(AmqpMapping, MutatedMessagesNeverCrashTheDecoder) {
    auto m = new_message();
    pn_message_set_durable(m.get(), true);
    pn_message_set_subject(m.get(), "s");
    pn_data_put_ulong(pn_message_id(m.get()), 9);
    pn_data_t* p = pn_message_properties(m.get());
    pn_data_put_map(p);
    pn_data_enter(p);
    pn_data_put_string(p, bytes_of("k"));
    pn_data_put_double(p, 1.5);
    pn_data_exit(p);
    pn_data_put_string(pn_message_body(m.get()), bytes_of("body"));
    const auto original = encoded(m.get());
    std::mt19937 random(7);
    for (int round = 0; round < 20000; ++round) {
        auto bytes = original;
        for (int flips = 1 + static_cast<int>(random() % 4); flips > 0; --flips)
            bytes[random() % bytes.size()] = static_cast<char>(random());
        bytes.resize(random() % (bytes.size() + 1));
        if (const auto msg = decode(bytes)) (void)decode(encode(*msg));
    }
}

TEST(AmqpMapping, UnknownOrMisplacedSectionsAreRefused) {
    const auto header = described(0x70, [](pn_data_t* d) { pn_data_put_list(d); });
    const auto properties = described(0x73, [](pn_data_t* d) { pn_data_put_list(d); });
    const auto value = described(0x77, [](pn_data_t* d) { pn_data_put_int(d, 1); });
    EXPECT_EQ(decode(described(0x99, [](pn_data_t* d) { pn_data_put_list(d); })).error(),
              mapping_errc::unknown_section);
    EXPECT_EQ(decode(properties + header).error(), mapping_errc::unknown_section);
    EXPECT_EQ(decode(header + header).error(), mapping_errc::unknown_section);
    EXPECT_EQ(decode(value + value).error(), mapping_errc::unknown_section);
    EXPECT_EQ(decode(data_section("a") + value).error(), mapping_errc::unknown_section);
    EXPECT_TRUE(decode(header + properties + value));
}

TEST(AmqpMapping, SymbolicDescriptorsAreAccepted) {
    data_ptr d(pn_data(16));
    pn_data_put_described(d.get());
    pn_data_enter(d.get());
    pn_data_put_symbol(d.get(), bytes_of("amqp:amqp-value:*"));
    pn_data_put_string(d.get(), bytes_of("hi"));
    pn_data_exit(d.get());
    std::string bytes(static_cast<std::size_t>(pn_data_encoded_size(d.get())), '\0');
    pn_data_encode(d.get(), bytes.data(), bytes.size());
    const auto msg = decode(bytes);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->body, "hi");
    EXPECT_EQ(property_text(*msg, body_property), "value-string");
}

TEST(AmqpMapping, DeliveryAnnotationsAndFooterAreLeftBehind) {
    const auto annotations = [](std::uint64_t code) {
        return described(code, [](pn_data_t* d) {
            pn_data_put_map(d);
            pn_data_enter(d);
            pn_data_put_symbol(d, bytes_of("x-hop"));
            pn_data_put_int(d, 1);
            pn_data_exit(d);
        });
    };
    const auto msg = expect_round_trip(annotations(0x71) + data_section("b") + annotations(0x78));
    EXPECT_EQ(msg.body, "b");
    EXPECT_TRUE(msg.properties.empty());
}

} // namespace
} // namespace gantry::protocols::amqp
