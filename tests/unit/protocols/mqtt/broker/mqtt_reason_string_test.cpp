// Reason Strings (5.0 property 0x1F) on the acknowledgements a 5.0 client
// gets when something failed, and where the client's Request Problem
// Information and Maximum Packet Size leave them out.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "../../../../../protocols/mqtt/src/diagnostics.hpp"
#include "../../../../../protocols/mqtt/src/failed_filters.hpp"
#include "mqtt_session_fixture.hpp"

namespace gantry::protocols::mqtt::test {
namespace {

// Anonymous clients (the rules before any user line) may use open/# only.
constexpr std::string_view open_only = "topic readwrite open/#\n";

connect_packet with_problem_information(std::uint8_t wanted) {
    connect_packet c;
    c.properties.request_problem_information = wanted;
    return c;
}

connect_packet with_maximum_packet_size(std::uint32_t size) {
    connect_packet c;
    c.properties.maximum_packet_size = size;
    return c;
}

// An Authentication Method, which the broker refuses (0x8C).
connect_packet with_scram(connect_packet c = {}) {
    c.properties.authentication_method = "SCRAM-SHA-1";
    return c;
}

subscribe_packet subscribe_both(std::uint16_t id) {
    subscribe_packet s;
    s.packet_id = id;
    s.subscriptions = {{"open/#", 1}, {"closed/#", 1}};
    return s;
}

class MqttReasonStringTest : public MqttSessionTest {
protected:
    // A publish and a subscription the ACL refuses: the failure codes come,
    // their Reason Strings do not.
    void expect_refusals_unexplained(mqtt_client& c) {
        c.send(make_publish("closed/x", "m", 1, 1));
        const auto puback = c.expect<puback_packet>();
        EXPECT_EQ(puback.reason, reason_code::not_authorized);
        EXPECT_EQ(puback.properties.reason_string, std::nullopt);
        c.send(subscribe_both(2));
        const auto suback = c.expect<suback_packet>();
        EXPECT_EQ(suback.reasons.back(), reason_code::not_authorized);
        EXPECT_EQ(suback.properties.reason_string, std::nullopt);
    }
};

TEST(cut_reason, keeps_short_text_and_cuts_long_text_on_a_character_boundary) {
    EXPECT_EQ(cut_reason("short"), "short");
    EXPECT_EQ(cut_reason(std::string(max_reason_string_bytes, 'a')), std::string(max_reason_string_bytes, 'a'));
    // "é" is two bytes: a cut between them would leave invalid UTF-8.
    EXPECT_EQ(cut_reason("abcd\xC3\xA9xyz", 8), "abcd...");
    EXPECT_EQ(cut_reason("abc\xC3\xA9xyzw", 8), "abc\xC3\xA9...");
}

TEST(failed_filters, lists_each_filter_with_its_reason_and_counts_what_does_not_fit) {
    failed_filters failed;
    EXPECT_TRUE(failed.empty());
    failed.add("a/#", "not authorized");
    failed.add("b", "quota exceeded");
    EXPECT_EQ(failed.reason_string(), "'a/#': not authorized; 'b': quota exceeded");
    for (int i = 0; i < 200; ++i) failed.add("filter/" + std::to_string(i), "not authorized");
    const auto text = failed.reason_string();
    EXPECT_LE(text.size(), max_reason_string_bytes);
    EXPECT_EQ(text.find("'a/#': not authorized; 'b': quota exceeded; 'filter/0'"), 0u);
    EXPECT_TRUE(text.ends_with(" more")) << text;
}

TEST_F(MqttReasonStringTest, RefusedConnackSaysWhy) {
    listen();
    auto c = client();
    const auto connack = c->connect("scram", with_scram());
    EXPECT_EQ(connack.reason, reason_code::bad_authentication_method);
    EXPECT_TRUE(says(connack.properties.reason_string, "'SCRAM-SHA-1' is not supported"))
        << connack.properties.reason_string.value_or("(none)");
}

TEST_F(MqttReasonStringTest, PublishTheAclRefusesGetsNotAuthorizedWithTheTopicAndTheAcl) {
    listen({}, 0, with_acl(open_only));
    auto c = client();
    c->connect("writer");
    c->send(make_publish("closed/x", "m", 1, 1));
    const auto puback = c->expect<puback_packet>();
    EXPECT_EQ(puback.reason, reason_code::not_authorized);
    EXPECT_TRUE(says(puback.properties.reason_string, "ACL (aclFile) does not allow this client to publish to "
                                                      "'closed/x'"))
        << puback.properties.reason_string.value_or("(none)");
    c->send(make_publish("closed/y", "m", 2, 2));
    const auto pubrec = c->expect<pubrec_packet>();
    EXPECT_EQ(pubrec.reason, reason_code::not_authorized);
    EXPECT_TRUE(says(pubrec.properties.reason_string, "'closed/y'"));
    c->send(make_publish("open/x", "m", 1, 3));
    EXPECT_EQ(c->expect<puback_packet>().properties.reason_string, std::nullopt) << "success needs no reason";
}

TEST_F(MqttReasonStringTest, TopicNameInvalidSaysWhyAndAVeryLongTopicIsCut) {
    listen();
    auto c = client();
    c->connect("long-topic");
    c->send(make_publish(std::string(128, 'a') + "/x", "m", 1, 1));
    const auto puback = c->expect<puback_packet>();
    EXPECT_EQ(puback.reason, reason_code::topic_name_invalid);
    EXPECT_TRUE(says(puback.properties.reason_string, "longer than 127 bytes"));
    // Quoted in full, this topic would make a Reason String no packet can carry.
    c->send(make_publish(std::string(65'500, 'b') + "/x", "m", 1, 2));
    const auto cut = c->expect<puback_packet>();
    EXPECT_EQ(cut.packet_id, 2);
    EXPECT_EQ(cut.reason, reason_code::topic_name_invalid);
    ASSERT_TRUE(cut.properties.reason_string);
    EXPECT_LE(cut.properties.reason_string->size(), max_reason_string_bytes);
    EXPECT_TRUE(cut.properties.reason_string->ends_with("..."));
}

TEST_F(MqttReasonStringTest, SubackWithAFailureNamesTheRefusedFilterOnly) {
    listen({}, 0, with_acl(open_only));
    auto c = client();
    c->connect("reader");
    c->send(subscribe_both(1));
    const auto suback = c->expect<suback_packet>();
    EXPECT_EQ(suback.reasons, (std::vector<reason_code>{reason_code::granted_qos_1, reason_code::not_authorized}));
    ASSERT_TRUE(suback.properties.reason_string);
    EXPECT_EQ(suback.properties.reason_string->find("'closed/#': not authorized"), 0u)
        << *suback.properties.reason_string;
    EXPECT_FALSE(says(suback.properties.reason_string, "open/#"));
    EXPECT_EQ(c->subscribe(2, "open/x", 0).properties.reason_string, std::nullopt) << "all granted: no reason";
}

TEST_F(MqttReasonStringTest, UnknownFiltersAndPacketIdentifiersAreExplained) {
    listen();
    auto c = client();
    c->connect("unknowns");
    unsubscribe_packet u;
    u.packet_id = 1;
    u.filters = {"never/a"};
    c->send(u);
    const auto unsuback = c->expect<unsuback_packet>();
    EXPECT_EQ(unsuback.reasons, std::vector<reason_code>{reason_code::no_subscription_existed});
    EXPECT_TRUE(says(unsuback.properties.reason_string, "'never/a': this client has no subscription"));
    c->send(pubrel_packet{77, reason_code::success, {}});
    const auto pubcomp = c->expect<pubcomp_packet>();
    EXPECT_EQ(pubcomp.reason, reason_code::packet_identifier_not_found);
    EXPECT_TRUE(says(pubcomp.properties.reason_string, "packet identifier 77"));
    c->send(pubrec_packet{78, reason_code::success, {}});
    const auto pubrel = c->expect<pubrel_packet>();
    EXPECT_EQ(pubrel.reason, reason_code::packet_identifier_not_found);
    EXPECT_TRUE(says(pubrel.properties.reason_string, "packet identifier 78"));
}

TEST_F(MqttReasonStringTest, RequestProblemInformationZeroKeepsReasonsToConnackAndDisconnect) {
    listen({}, 0, with_acl(open_only));
    auto refused = client();
    EXPECT_TRUE(refused->connect("quiet-refused", with_scram(with_problem_information(0))).properties.reason_string)
        << "CONNACK may still say why";

    auto c = client();
    EXPECT_EQ(c->connect("quiet", with_problem_information(0)).reason, reason_code::success);
    expect_refusals_unexplained(*c);
    c->send(pubrel_packet{77, reason_code::success, {}});
    EXPECT_EQ(c->expect<pubcomp_packet>().properties.reason_string, std::nullopt);
    c->send(make_publish(std::string(128, 'a'), "m", 0)); // QoS 0 to an invalid topic: DISCONNECT
    const auto disconnect = c->expect<disconnect_packet>();
    EXPECT_EQ(disconnect.reason, reason_code::topic_name_invalid);
    EXPECT_TRUE(disconnect.properties.reason_string) << "DISCONNECT may still say why";

    auto asking = client();
    asking->connect("asking", with_problem_information(1));
    asking->send(make_publish("closed/x", "m", 1, 1));
    EXPECT_TRUE(asking->expect<puback_packet>().properties.reason_string);
}

TEST_F(MqttReasonStringTest, NoReasonStringPastTheClientsMaximumPacketSize) {
    listen({}, 0, with_acl(open_only));
    constexpr std::uint32_t small = 20;
    auto refused = client();
    const auto connack = refused->connect("small-refused", with_scram(with_maximum_packet_size(small)));
    EXPECT_EQ(connack.reason, reason_code::bad_authentication_method);
    EXPECT_EQ(connack.properties.reason_string, std::nullopt);

    auto c = client();
    c->connect("small", with_maximum_packet_size(small));
    expect_refusals_unexplained(*c);

    auto roomy = client();
    roomy->connect("roomy", with_maximum_packet_size(1024));
    roomy->send(subscribe_both(1));
    EXPECT_TRUE(roomy->expect<suback_packet>().properties.reason_string) << "it fits: sent";
}

} // namespace
} // namespace gantry::protocols::mqtt::test
