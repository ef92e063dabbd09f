// The MQTT session over loopback with a real store and engine: acks only
// after the engine stored the message, delivery flow control, reason codes a
// third-party client rarely shows (0x90, 0x99), delayed wills.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../../../../../protocols/mqtt/src/session_store.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "../../common/forwarding_facade.hpp"
#include "mqtt_session_fixture.hpp"

namespace gantry::protocols::mqtt::test {
namespace {

using namespace std::string_view_literals;

TEST_F(MqttSessionTest, PubackComesOnlyAfterTheEngineStoredTheMessage) {
    listen();
    auto c = client();
    EXPECT_EQ(c->connect("stored").reason, reason_code::success);
    for (std::uint16_t id = 1; id <= 5; ++id) {
        c->send(make_publish("stored/x", "m" + std::to_string(id), 1, id));
        EXPECT_EQ(c->expect<puback_packet>().packet_id, id);
        // The receipt came from the store: the record is there (dispatch to
        // the consume queue may lag a moment).
        const auto deadline = clock_type::now() + 2s;
        while (stored("stored") < id && clock_type::now() < deadline) std::this_thread::sleep_for(2ms);
        EXPECT_EQ(stored("stored"), id);
    }
}

// A subscription starts where the log ended at its SUBSCRIBE: a message
// acknowledged just before, in the same millisecond as often as not, is not
// delivered, and the next one is. Plain, shared and persistent alike.
TEST_F(MqttSessionTest, AMessageAcknowledgedBeforeTheSubscribeIsNotDelivered) {
    listen();
    auto pub = client();
    pub->connect("before-pub");
    auto plain = client();
    plain->connect("before-plain");
    auto kept = client();
    kept->connect("before-kept", keeping_session());
    std::uint16_t id = 0;
    for (int round = 0; round < 10; ++round) {
        const auto n = std::to_string(round);
        const std::pair<mqtt_client*, std::string> subscribers[] = {
            {plain.get(), "before/plain" + n}, {plain.get(), "$share/g" + n + "/before/shared" + n},
            {kept.get(), "before/kept" + n}};
        for (const auto& [sub, filter] : subscribers) {
            const auto topic = "before/" + filter.substr(filter.rfind('/') + 1);
            pub->send(make_publish(topic, "acknowledged-before", 1, ++id));
            pub->expect<puback_packet>();
            sub->subscribe(++id, filter, 1);
            pub->send(make_publish(topic, "published-after", 1, ++id));
            pub->expect<puback_packet>();
            const auto got = sub->expect<publish_packet>();
            EXPECT_EQ(got.payload, "published-after") << filter;
            sub->send(puback_packet{got.packet_id, reason_code::success, {}});
        }
    }
}

TEST_F(MqttSessionTest, ConnackAnnouncesTheModuleOptions) {
    mqtt_options options;
    options.receive_maximum = 10;
    options.maximum_qos = 1;
    options.topic_alias_maximum = 5;
    options.server_keep_alive = 30;
    listen(options);
    auto c = client();
    const auto connack = c->connect("");
    EXPECT_EQ(connack.reason, reason_code::success);
    EXPECT_FALSE(connack.session_present);
    EXPECT_EQ(connack.properties.receive_maximum, 10);
    EXPECT_EQ(connack.properties.maximum_qos, 1);
    EXPECT_EQ(connack.properties.topic_alias_maximum, 5);
    EXPECT_EQ(connack.properties.server_keep_alive, 30);
    EXPECT_EQ(connack.properties.maximum_packet_size, options.maximum_packet_size);
    EXPECT_FALSE(connack.properties.shared_subscription_available); // absent: available
    ASSERT_TRUE(connack.properties.assigned_client_identifier);
    EXPECT_TRUE(connack.properties.assigned_client_identifier->starts_with("gantry-"));
    // QoS 2 above the maximum: granted 1, and a QoS 2 publish is refused.
    const auto suback = c->subscribe(1, "opts/x", 2);
    EXPECT_EQ(suback.reasons, std::vector<reason_code>{reason_code::granted_qos_1});
    c->send(make_publish("opts/x", "q2", 2, 1));
    EXPECT_EQ(c->expect<disconnect_packet>().reason, reason_code::qos_not_supported);
    EXPECT_TRUE(c->closed_within(5s));
}

TEST_F(MqttSessionTest, DeliveriesStopAtTheClientsReceiveMaximumUntilAcknowledged) {
    listen();
    auto sub = client();
    connect_packet c;
    c.properties.receive_maximum = 2;
    sub->connect("slow", c);
    sub->subscribe(1, "flow/#", 1, 42);
    auto pub = client();
    pub->connect("fast");
    for (std::uint16_t id = 1; id <= 5; ++id) {
        pub->send(make_publish("flow/x", "m" + std::to_string(id), 1, id));
        pub->expect<puback_packet>();
    }
    std::vector<publish_packet> got{sub->expect<publish_packet>(), sub->expect<publish_packet>()};
    EXPECT_FALSE(sub->receive(300ms)) << "a third delivery before any PUBACK";
    for (std::size_t i = 2; i < 5; ++i) {
        sub->send(puback_packet{got[i - 2].packet_id, reason_code::success, {}});
        got.push_back(sub->expect<publish_packet>());
    }
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].payload, "m" + std::to_string(i + 1));
        EXPECT_EQ(got[i].qos, 1);
        EXPECT_EQ(got[i].properties.subscription_identifiers, std::vector<std::uint32_t>{42});
    }
}

// A QoS 0 subscription's deliveries are settled as the engine hands them
// over; replaced at QoS 1, it must again hold each until its PUBACK.
TEST_F(MqttSessionTest, AQos0SubscriptionReplacedAtQos1GetsWhatWasNotAcknowledgedAgain) {
    listen();
    const auto kept = keeping_session();
    auto sub = client();
    sub->connect("upgrading", kept);
    sub->subscribe(1, "up/#", 0);
    sub->subscribe(2, "up/#", 1);
    auto pub = client();
    pub->connect("up-pub");
    pub->send(make_publish("up/x", "once at least", 1, 1));
    pub->expect<puback_packet>();
    const auto first = sub->expect<publish_packet>();
    EXPECT_EQ(first.qos, 1);
    sub->cut(); // no PUBACK

    auto back = client();
    EXPECT_TRUE(back->connect("upgrading", kept).session_present);
    const auto again = back->expect<publish_packet>(5s);
    EXPECT_EQ(again.payload, "once at least");
    EXPECT_TRUE(again.dup);
}

// What a kill -9 leaves when it strikes while the broker stores a QoS 2
// PUBLISH (packet id 7) of the persistent session "cut", before it
// journaled the message stored: the journal says the message is being
// stored as `message_id` in topic "cutq2". Whether the log holds it is up
// to the test.
class Qos2CutWhileStoringTest : public MqttSessionTest {
protected:
    mqtt_session_storage journal_cut_while_storing(const std::string& message_id) {
        mqtt_session_storage storage{dir_.path() / "mqttSessions.json"};
        session_store sessions(storage.file);
        EXPECT_FALSE(sessions.load(0));
        stored_session session;
        session.generation = "g";
        session.expiry_interval = 60;
        sessions.update("cut", 1, session);
        sessions.qos2_exchange("cut", 1,
                               {qos2_step::kind::storing, 7, std::nullopt,
                                storing_message{"cutq2", message_id, engine::wall_clock_ms()}});
        return storage;
    }

    // The client of the session "cut" is back.
    std::unique_ptr<mqtt_client> reconnect() {
        auto c = client();
        EXPECT_TRUE(c->connect("cut", keeping_session()).session_present);
        return c;
    }

    // It resends its PUBLISH (DUP), then PUBREL: the PUBREC and PUBCOMP it gets.
    std::pair<reason_code, reason_code> resend_and_release(mqtt_client& c) {
        auto resent = make_publish("cutq2/x", "once", 2, 7);
        resent.dup = true;
        c.send(resent);
        const auto pubrec = c.expect<pubrec_packet>();
        EXPECT_EQ(pubrec.packet_id, 7);
        c.send(pubrel_packet{7, reason_code::success, {}});
        return {pubrec.reason, c.expect<pubcomp_packet>().reason};
    }

    // Stores what the cut-off append stored, as it would have: `message_id`
    // in topic "cutq2", found by that id once this returns.
    void store_as_the_cut_off_append(const std::string& message_id) {
        engine::message msg;
        msg.topic = "cutq2";
        msg.tag = "x";
        msg.body = "once";
        msg.message_id = message_id;
        std::promise<bool> appended;
        engine_->append({"", "producer", pool_.at(0).get_executor()}, msg,
                        [&](result<engine::append_receipt> r) { appended.set_value(r.has_value()); });
        ASSERT_TRUE(appended.get_future().get());
        const auto deadline = clock_type::now() + 2s;
        while (engine_->find_by_key("cutq2", message_id, 1).empty() && clock_type::now() < deadline)
            std::this_thread::sleep_for(2ms);
    }

    std::int64_t stored_within(std::int64_t expected, std::chrono::milliseconds limit) {
        const auto deadline = clock_type::now() + limit;
        while (stored("cutq2") < expected && clock_type::now() < deadline) std::this_thread::sleep_for(2ms);
        return stored("cutq2");
    }
};

TEST_F(Qos2CutWhileStoringTest, AMessageTheLogHoldsIsNotStoredAgainWhenResent) {
    const auto message_id = engine_->new_message_id();
    const auto storage = journal_cut_while_storing(message_id);
    store_as_the_cut_off_append(message_id);
    listen({}, 0, {}, storage);

    EXPECT_EQ(resend_and_release(*reconnect()), std::make_pair(reason_code::success, reason_code::success))
        << "PUBREC, and PUBCOMP for a known packet id";
    EXPECT_EQ(stored_within(2, 300ms), 1);
}

// The look-up reads the topic from the time the storing began.
class Qos2CutWithoutTheIndexTest : public Qos2CutWhileStoringTest {
protected:
    void SetUp() override {
        store_config_.message_index_enable = false;
        Qos2CutWhileStoringTest::SetUp();
    }
};

TEST_F(Qos2CutWithoutTheIndexTest, AMessageTheLogHoldsIsNotStoredAgainWhenResent) {
    const auto message_id = engine_->new_message_id();
    const auto storage = journal_cut_while_storing(message_id);
    store_as_the_cut_off_append(message_id);
    listen({}, 0, {}, storage);

    EXPECT_EQ(resend_and_release(*reconnect()), std::make_pair(reason_code::success, reason_code::success));
    EXPECT_EQ(stored_within(2, 300ms), 1);
}

TEST_F(Qos2CutWhileStoringTest, AMessageTheLogLacksIsStoredWhenResent) {
    listen({}, 0, {}, journal_cut_while_storing(engine_->new_message_id()));
    EXPECT_EQ(resend_and_release(*reconnect()), std::make_pair(reason_code::success, reason_code::success));
    EXPECT_EQ(stored_within(1, 2s), 1);
}

// Appends wait here, not yet stored, until release().
class held_appends : public common::testing::forwarding_facade {
public:
    using forwarding_facade::forwarding_facade;

    void append(const engine::operation_context& ctx, engine::message msg,
                std::function<void(result<engine::append_receipt>)> done) override {
        hold([this, ctx, msg = std::move(msg), done = std::move(done)]() mutable {
            forwarding_facade::append(ctx, std::move(msg), std::move(done));
        });
    }
    void append_batch(const engine::operation_context& ctx, std::vector<engine::message> msgs,
                      std::function<void(std::vector<result<engine::append_receipt>>)> done) override {
        hold([this, ctx, msgs = std::move(msgs), done = std::move(done)]() mutable {
            forwarding_facade::append_batch(ctx, std::move(msgs), std::move(done));
        });
    }

    std::size_t held() {
        std::lock_guard lock(mutex_);
        return held_.size();
    }
    void release() {
        std::vector<std::function<void()>> appends;
        {
            std::lock_guard lock(mutex_);
            appends.swap(held_);
        }
        for (auto& append : appends) append();
    }

private:
    void hold(std::function<void()> append) {
        std::lock_guard lock(mutex_);
        held_.push_back(std::move(append));
    }

    std::mutex mutex_;
    std::vector<std::function<void()>> held_;
};

// A second connection of the session "cut" takes over while the first
// still stores its QoS 2 publish 7.
class Qos2TakeoverWhileStoringTest : public Qos2CutWhileStoringTest {
protected:
    void SetUp() override {
        Qos2CutWhileStoringTest::SetUp();
        held_ = std::make_unique<held_appends>(*engine_);
        engine_in_front_ = held_.get();
    }

    std::unique_ptr<held_appends> held_;
};

TEST_F(Qos2TakeoverWhileStoringTest, TheResentPublishWaitsForTheStateTheOldConnectionEndsWithAndIsNotStoredAgain) {
    listen({}, 0, {}, mqtt_session_storage{dir_.path() / "mqttSessions.json"});
    const auto kept = keeping_session();
    auto first = client();
    EXPECT_FALSE(first->connect("cut", kept).session_present);
    first->send(make_publish("cutq2/x", "once", 2, 7));
    const auto deadline = clock_type::now() + 2s;
    while (held_->held() == 0 && clock_type::now() < deadline) std::this_thread::sleep_for(2ms);
    ASSERT_EQ(held_->held(), 1u);

    const auto second = reconnect();
    EXPECT_EQ(first->expect<disconnect_packet>().reason, reason_code::session_taken_over);
    first.reset(); // as a client does once told
    auto resent = make_publish("cutq2/x", "once", 2, 7);
    resent.dup = true;
    second->send(resent);
    std::this_thread::sleep_for(200ms); // the first connection ends; the resend arrives
    EXPECT_EQ(held_->held(), 1u) << "the resend was read before the first connection's state came";

    held_->release();
    const auto pubrec = second->expect<pubrec_packet>();
    EXPECT_EQ(pubrec.packet_id, 7);
    EXPECT_EQ(pubrec.reason, reason_code::success);
    held_->release(); // what a wrong resend appended after all
    second->send(pubrel_packet{7, reason_code::success, {}});
    EXPECT_EQ(second->expect<pubcomp_packet>().reason, reason_code::success);
    EXPECT_EQ(stored_within(2, 300ms), 1);
}

TEST_F(Qos2CutWhileStoringTest, APersistentSessionJournalsTheIdItStoresAQos2MessageUnderBeforeStoringIt) {
    const mqtt_session_storage storage{dir_.path() / "mqttSessions.json"};
    listen({}, 0, {}, storage);
    const auto kept = keeping_session();
    auto c = client();
    c->connect("live", kept);
    c->send(make_publish("cutq2/x", "named first", 2, 9));
    EXPECT_EQ(c->expect<pubrec_packet>().reason, reason_code::success);

    std::ifstream in(dir_.path() / "mqttSessions.journal", std::ios::binary);
    const std::string journal{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::smatch named;
    ASSERT_TRUE(std::regex_search(journal, named,
                                  std::regex(R"re("message":\{"messageId":"([0-9A-F]+)","since":[1-9][0-9]*,"topic":"cutq2"\},"qos2Storing":9)re")))
        << journal;
    const auto deadline = clock_type::now() + 2s;
    while (engine_->find_by_key("cutq2", named[1], 1).empty() && clock_type::now() < deadline)
        std::this_thread::sleep_for(2ms);
    const auto found = engine_->find_by_key("cutq2", named[1], 1);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].msg.body, "named first");
}

// Members of share "g" and a publisher: the share tests' clients.
class SharedSubscriptionTest : public MqttSessionTest {
protected:
    // Connected with `connect` and subscribed to "$share/g/<filter>" at QoS 2.
    std::unique_ptr<mqtt_client> member(const std::string& client_id, const std::string& filter,
                                        const connect_packet& connect = {}) {
        auto c = client();
        c->connect(client_id, connect);
        EXPECT_EQ(c->subscribe(1, "$share/g/" + filter, 2).reasons, std::vector{reason_code::granted_qos_2});
        return c;
    }

    // "once" published at `qos` on `topic`, acknowledged: what `to` gets of it.
    publish_packet sent_to(mqtt_client& to, const std::string& topic, std::uint8_t qos) {
        auto publisher = client();
        publisher->connect("publisher");
        publisher->send(make_publish(topic, "once", qos, 1));
        const auto ack =
            qos == 2 ? publisher->expect<pubrec_packet>().reason : publisher->expect<puback_packet>().reason;
        EXPECT_EQ(ack, reason_code::success);
        auto got = to.expect<publish_packet>();
        EXPECT_EQ(got.qos, qos);
        return got;
    }
};

// 5.0 §4.8.2: a share's QoS 2 message sent to a member whose session
// outlives the connection goes to no other member, and to that one again
// (with its packet id) when it is back.
TEST_F(SharedSubscriptionTest, ASharesQos2DeliveryWaitsForItsPersistentMemberAndGoesToNoOther) {
    listen({}, 0, {}, mqtt_session_storage{dir_.path() / "mqttSessions.json"});
    const auto kept = keeping_session();
    auto first = member("member-1", "shq/#", kept);
    const auto sent = sent_to(*first, "shq/x", 2);

    const auto second = member("member-2", "shq/#", kept);
    first->cut(); // without PUBREC
    EXPECT_FALSE(second->receive(500ms).has_value()) << "another member got the message";

    first = client();
    EXPECT_TRUE(first->connect("member-1", kept).session_present);
    const auto again = first->expect<publish_packet>();
    EXPECT_EQ(again.packet_id, sent.packet_id);
    EXPECT_TRUE(again.dup);
    EXPECT_EQ(again.payload, "once");
    first->send(pubrec_packet{again.packet_id, reason_code::success, {}});
    EXPECT_EQ(first->expect<pubrel_packet>().packet_id, again.packet_id);
    first->send(pubcomp_packet{again.packet_id, reason_code::success, {}});
    EXPECT_FALSE(second->receive(300ms).has_value()) << "another member got the message";
}

// [MQTT-4.8.2-5]: a member whose session ends with its connection takes a
// share's QoS 2 message it was sent with it; no other member gets it.
TEST_F(SharedSubscriptionTest, ASharesQos2DeliveryToAMemberWhoseSessionEndsGoesToNoOther) {
    listen();
    auto first = member("member-1", "shl/#");
    sent_to(*first, "shl/x", 2);
    const auto second = member("member-2", "shl/#");
    first->cut(); // without PUBREC: its session ends
    EXPECT_FALSE(second->receive(500ms).has_value()) << "another member got the message";
}

// Lines the module logs meanwhile: registered as the "mqtt" logger until
// the fixture ends.
class logged_lines {
public:
    logged_lines() { spdlog::register_logger(std::make_shared<spdlog::logger>("mqtt", sink_)); }
    ~logged_lines() { spdlog::drop("mqtt"); }
    logged_lines(const logged_lines&) = delete;
    logged_lines& operator=(const logged_lines&) = delete;

    // Whether a line holding `text` comes within `timeout`.
    bool wait_for(std::string_view text, std::chrono::milliseconds timeout = 5s) const {
        const auto until = std::chrono::steady_clock::now() + timeout;
        do {
            const auto lines = sink_->last_formatted();
            if (std::any_of(lines.begin(), lines.end(),
                            [&](const std::string& line) { return line.find(text) != std::string::npos; }))
                return true;
            std::this_thread::sleep_for(10ms);
        } while (std::chrono::steady_clock::now() < until);
        return false;
    }

private:
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
};

// A stored session that a clean start replaces takes the share's QoS 2
// message it owned with it, and the log says so (whether the old
// connection had ended before the new one came or is taken over).
TEST_F(SharedSubscriptionTest, AStoredSessionReplacedByACleanStartLogsTheShareMessagesItTakes) {
    const logged_lines log;
    listen({}, 0, {}, mqtt_session_storage{dir_.path() / "mqttSessions.json"});
    auto first = member("member-1", "shc/#", keeping_session());
    sent_to(*first, "shc/x", 2);
    first->cut(); // without PUBREC: the session keeps it
    first = client();
    EXPECT_FALSE(first->connect("member-1").session_present);
    EXPECT_TRUE(log.wait_for("the session of MQTT client 'member-1' was replaced by a clean start with up to 1 QoS 2 "
                             "message(s) of shared subscriptions unanswered"));
}

// The same for a stored session that expires.
TEST_F(SharedSubscriptionTest, AStoredSessionThatExpiresLogsTheShareMessagesItTakes) {
    const logged_lines log;
    listen({}, 0, {}, mqtt_session_storage{dir_.path() / "mqttSessions.json"});
    auto briefly = keeping_session();
    briefly.properties.session_expiry_interval = 1;
    auto first = member("member-1", "she/#", briefly);
    sent_to(*first, "she/x", 2);
    first->cut();
    std::this_thread::sleep_for(1200ms);
    client()->connect("someone-else"); // expiry is checked as clients connect
    EXPECT_TRUE(log.wait_for("the session of MQTT client 'member-1' expired with up to 1 QoS 2 message(s) of shared "
                             "subscriptions unanswered"));
}

// After a crash the engine may hand a share's QoS 2 message that was sent
// to one member (its session owns it) to another: only the owner gets it.
TEST_F(SharedSubscriptionTest, AfterACrashAShareMessageOneMemberOwnedGoesToNoOther) {
    // The share's group before the message, as a crash leaves it when the
    // offset on disk lags behind what was settled.
    engine::subscription_options group;
    group.topic = "shc";
    group.filter_kind = engine::filter_language::mqtt;
    group.filter = "#";
    group.group = shared_group_name("g", "shc/#");
    group.durable = true;
    group.start = engine::start_position::earliest();
    ASSERT_FALSE(engine_->pin_group(group));
    engine::message msg;
    msg.topic = "shc";
    msg.tag = "x";
    msg.body = "owned";
    msg.properties = {{std::string(mqtt_property::qos), "2"}};
    std::promise<result<engine::append_receipt>> appended;
    engine_->append({"", "producer", pool_.at(0).get_executor()}, msg,
                    [&](result<engine::append_receipt> r) { appended.set_value(std::move(r)); });
    const auto receipt = appended.get_future().get();
    ASSERT_TRUE(receipt);
    // The journal of member-1: it was sent the message, with packet id 5.
    const mqtt_session_storage storage{dir_.path() / "mqttSessions.json"};
    {
        session_store sessions(storage.file);
        ASSERT_FALSE(sessions.load(0));
        stored_session owner;
        owner.generation = "g1";
        owner.expiry_interval = 60;
        owner.subscriptions["$share/g/shc/#"].qos = 2;
        owner.unacked[{"$share/g/shc/#", "shc", receipt->queue_id, receipt->queue_offset}] = 5;
        sessions.update("member-1", 1, owner);
    }
    listen({}, 0, {}, storage);

    const auto other = member("member-2", "shc/#", keeping_session());
    EXPECT_FALSE(other->receive(500ms).has_value()) << "a member that did not own it got it";
    auto first = client();
    EXPECT_TRUE(first->connect("member-1", keeping_session()).session_present);
    const auto again = first->expect<publish_packet>();
    EXPECT_EQ(again.packet_id, 5);
    EXPECT_TRUE(again.dup);
    EXPECT_EQ(again.payload, "owned");
}

// Published at QoS 1, a share's message goes at QoS 1 even to a QoS 2
// subscription: a member that leaves without PUBACK hands it on.
TEST_F(SharedSubscriptionTest, ASharesQos1DeliveryToAPersistentMemberStillGoesToAnother) {
    listen({}, 0, {}, mqtt_session_storage{dir_.path() / "mqttSessions.json"});
    const auto kept = keeping_session();
    auto first = member("member-1", "shq1/#", kept);
    sent_to(*first, "shq1/x", 1);
    const auto second = member("member-2", "shq1/#", kept);
    first->cut(); // without PUBACK
    const auto handed_on = second->expect<publish_packet>();
    EXPECT_EQ(handed_on.payload, "once");
    second->send(puback_packet{handed_on.packet_id, reason_code::success, {}});
    first = client();
    EXPECT_TRUE(first->connect("member-1", kept).session_present);
    EXPECT_FALSE(first->receive(500ms).has_value()) << "the member that left got it again too";
}

TEST_F(MqttSessionTest, UnmappableTopicsGetTopicNameInvalid) {
    listen();
    auto c = client();
    c->connect("long");
    const std::string too_long(128, 'a');
    c->send(make_publish(too_long + "/x", "m", 1, 1));
    const auto puback = c->expect<puback_packet>();
    EXPECT_EQ(puback.reason, reason_code::topic_name_invalid);
    c->send(make_publish("TBW102/x", "m", 2, 2));
    EXPECT_EQ(c->expect<pubrec_packet>().reason, reason_code::topic_name_invalid);
    c->send(make_publish(too_long, "m", 0));
    EXPECT_EQ(c->expect<disconnect_packet>().reason, reason_code::topic_name_invalid);
    EXPECT_TRUE(c->closed_within(5s));
}

publish_packet utf8_publish(std::string topic, std::string_view payload, std::uint8_t qos, std::uint16_t id = 0) {
    auto p = make_publish(std::move(topic), payload, qos, id);
    p.properties.payload_format_indicator = 1;
    return p;
}

TEST_F(MqttSessionTest, PayloadsThatAreNotTheUtf8TheirFormatIndicatorSaysGetPayloadFormatInvalid) {
    listen();
    auto watcher = client();
    watcher->connect("pfi-watcher");
    watcher->subscribe(1, "pfi/#", 2);
    auto c = client();
    c->connect("pfi-publisher");
    c->send(utf8_publish("pfi/a", "\xC3\x28", 1, 1));
    const auto puback = c->expect<puback_packet>();
    EXPECT_EQ(puback.packet_id, 1);
    EXPECT_EQ(puback.reason, reason_code::payload_format_invalid);
    EXPECT_TRUE(says(puback.properties.reason_string, "topic 'pfi/a': the payload is not well-formed UTF-8"))
        << puback.properties.reason_string.value_or("(none)");
    c->send(utf8_publish("pfi/b", "\xED\xA0\x80", 2, 2)); // U+D800
    const auto pubrec = c->expect<pubrec_packet>();
    EXPECT_EQ(pubrec.packet_id, 2);
    EXPECT_EQ(pubrec.reason, reason_code::payload_format_invalid);
    // Well-formed UTF-8, U+0000 included, and any bytes without the indicator are taken.
    c->send(utf8_publish("pfi/c", "caf\xC3\xA9\0"sv, 1, 3));
    EXPECT_EQ(c->expect<puback_packet>().reason, reason_code::success);
    c->send(make_publish("pfi/d", "\xC3\x28", 1, 4));
    EXPECT_EQ(c->expect<puback_packet>().reason, reason_code::success);
    EXPECT_EQ(watcher->expect<publish_packet>().topic, "pfi/c") << "a refused payload was delivered";
    EXPECT_EQ(watcher->expect<publish_packet>().topic, "pfi/d");
    // QoS 0 has no acknowledgement to refuse it with: DISCONNECT.
    c->send(utf8_publish("pfi/e", "\xFF", 0));
    const auto disconnect = c->expect<disconnect_packet>();
    EXPECT_EQ(disconnect.reason, reason_code::payload_format_invalid);
    EXPECT_TRUE(says(disconnect.properties.reason_string, "topic 'pfi/e'"));
    EXPECT_TRUE(c->closed_within(5s));
    EXPECT_FALSE(watcher->receive(300ms)) << "a refused QoS 0 payload was delivered";
    EXPECT_EQ(stored("pfi"), 2);

    // 3.1.1 has no Payload Format Indicator: its payloads are bytes.
    auto v3 = client(protocol_version::v3_1_1);
    v3->connect("pfi-v3");
    v3->send(make_publish("pfi/f", "\xC3\x28", 1, 1));
    EXPECT_EQ(v3->expect<puback_packet>().reason, reason_code::success);
}

TEST_F(MqttSessionTest, AnotherProtocolsFalseUtf8IndicatorIsNotPassedOn) {
    listen();
    auto sub = client();
    sub->connect("pfi-other");
    sub->subscribe(1, "xpfi/#", 1);
    // As STOMP, AMQP or a native producer would store them: the indicator
    // as a property, nobody having checked the body.
    const auto append = [&](std::string tag, std::string body) {
        engine::message msg;
        msg.topic = "xpfi";
        msg.tag = std::move(tag);
        msg.body = std::move(body);
        msg.properties = {{"mqtt.payload_format", "1"}};
        std::promise<bool> stored;
        engine_->append({"", "producer", pool_.at(0).get_executor()}, std::move(msg),
                        [&](result<engine::append_receipt> r) { stored.set_value(r.has_value()); });
        ASSERT_TRUE(stored.get_future().get());
    };
    append("bytes", "\xC3\x28");
    append("text", "caf\xC3\xA9");
    const auto bytes = sub->expect<publish_packet>();
    EXPECT_EQ(bytes.topic, "xpfi/bytes");
    EXPECT_EQ(bytes.payload, "\xC3\x28");
    EXPECT_FALSE(bytes.properties.payload_format_indicator) << "bytes went out as text";
    sub->send(puback_packet{bytes.packet_id, reason_code::success, {}});
    const auto text = sub->expect<publish_packet>();
    EXPECT_EQ(text.topic, "xpfi/text");
    EXPECT_EQ(text.properties.payload_format_indicator, 1);
}

TEST_F(MqttSessionTest, AWillPayloadThatIsNotTheUtf8ItsFormatIndicatorSaysIsRefusedWithTheConnect) {
    listen();
    auto watcher = client();
    watcher->connect("pfw-watcher");
    watcher->subscribe(1, "pfw/#", 0);
    const auto with_will = [](const std::string& topic, std::string_view payload) {
        connect_packet c;
        c.will = will_message{topic, to_bytes(payload), 0, false, {}};
        c.will->properties.payload_format_indicator = 1;
        return c;
    };
    auto refused = client();
    const auto connack = refused->connect("pfw-bad", with_will("pfw/bad", "\xC0\x80"));
    EXPECT_EQ(connack.reason, reason_code::payload_format_invalid);
    EXPECT_TRUE(says(connack.properties.reason_string, "will topic 'pfw/bad': the payload is not well-formed UTF-8"))
        << connack.properties.reason_string.value_or("(none)");
    EXPECT_TRUE(refused->closed_within(5s));

    auto good = client();
    EXPECT_EQ(good->connect("pfw-good", with_will("pfw/good", "bye\0"sv)).reason, reason_code::success);
    good->cut();
    const auto will = watcher->expect<publish_packet>();
    EXPECT_EQ(will.topic, "pfw/good") << "the refused CONNECT's will was published";
    EXPECT_EQ(will.properties.payload_format_indicator, 1);
}

TEST_F(MqttSessionTest, UnsubscribeAndUnknownPacketIdentifiers) {
    listen();
    auto c = client();
    c->connect("unsub");
    c->subscribe(1, "u/a", 0);
    unsubscribe_packet u;
    u.packet_id = 2;
    u.filters = {"u/a", "u/never"};
    c->send(u);
    const auto unsuback = c->expect<unsuback_packet>();
    EXPECT_EQ(unsuback.packet_id, 2);
    EXPECT_EQ(unsuback.reasons, (std::vector<reason_code>{reason_code::success, reason_code::no_subscription_existed}));
    c->send(make_publish("u/a", "after", 0));
    EXPECT_FALSE(c->receive(300ms)) << "delivered after UNSUBSCRIBE";
    c->send(pubrel_packet{77, reason_code::success, {}});
    const auto pubcomp = c->expect<pubcomp_packet>();
    EXPECT_EQ(pubcomp.packet_id, 77);
    EXPECT_EQ(pubcomp.reason, reason_code::packet_identifier_not_found);
}

TEST_F(MqttSessionTest, DelayedWillIsPublishedAfterItsDelayAndCancelledByAReconnect) {
    listen();
    auto watcher = client();
    watcher->connect("watcher");
    watcher->subscribe(1, "dw/#", 0);

    const auto with_will = [](const std::string& topic) {
        connect_packet c;
        c.properties.session_expiry_interval = 60;
        c.will = will_message{topic, to_bytes("gone"), 0, false, {}};
        c.will->properties.will_delay_interval = 1;
        return c;
    };
    auto dying = client();
    dying->connect("dying", with_will("dw/dying"));
    const auto cut_at = clock_type::now();
    dying->cut();
    const auto will = watcher->expect<publish_packet>(5s);
    EXPECT_EQ(will.topic, "dw/dying");
    EXPECT_GE(clock_type::now() - cut_at, 900ms);

    auto back = client();
    back->connect("returning", with_will("dw/returning"));
    back->cut();
    auto again = client();
    again->connect("returning"); // within the delay: the will is cancelled
    EXPECT_FALSE(watcher->receive(1500ms)) << "will published although the client came back";
}

TEST_F(MqttSessionTest, MqttThreeOneOneClientIsClosedOnAFailedPublish) {
    listen();
    auto c = client(protocol_version::v3_1_1);
    c->connect("v3");
    c->send(make_publish(std::string(200, 'b'), "m", 1, 1));
    EXPECT_TRUE(c->closed_within(5s));
}


TEST_F(MqttSessionTest, RetainedMessagesForSubscribeObeyTheReceiveMaximum) {
    listen();
    auto pub = client();
    pub->connect("retainer");
    for (std::uint16_t id = 1; id <= 40; ++id) {
        auto p = make_publish("ret/d" + std::to_string(100 + id), "r" + std::to_string(id), 1, id);
        p.retain = true;
        pub->send(p);
        EXPECT_EQ(pub->expect<puback_packet>().reason, reason_code::success);
    }
    // The live subscription starts by store time in milliseconds: a publish
    // in the same millisecond as SUBSCRIBE would also come live.
    std::this_thread::sleep_for(20ms);
    auto sub = client();
    connect_packet c;
    c.properties.receive_maximum = 3;
    EXPECT_EQ(sub->connect("late", c).properties.retain_available, std::nullopt) << "retain available (default 1)";
    sub->subscribe(1, "ret/+", 1);
    std::vector<publish_packet> got;
    for (int i = 0; i < 3; ++i) got.push_back(sub->expect<publish_packet>());
    EXPECT_FALSE(sub->receive(300ms)) << "a fourth retained delivery before any PUBACK";
    while (got.size() < 40) {
        sub->send(puback_packet{got[got.size() - 3].packet_id, reason_code::success, {}});
        got.push_back(sub->expect<publish_packet>());
    }
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_TRUE(got[i].retain);
        EXPECT_EQ(got[i].qos, 1);
        EXPECT_EQ(got[i].topic, "ret/d" + std::to_string(101 + i)) << "name order";
    }
    for (std::size_t i = got.size() - 3; i < got.size(); ++i)
        sub->send(puback_packet{got[i].packet_id, reason_code::success, {}});
    EXPECT_FALSE(sub->receive(300ms)) << "each retained message once";
    // A live publish: RETAIN cleared without Retain As Published.
    auto live = make_publish("ret/d101", "live", 0);
    live.retain = true;
    pub->send(live);
    const auto p = sub->expect<publish_packet>();
    EXPECT_EQ(p.payload, "live");
    EXPECT_FALSE(p.retain);
}

// A subscriber that does not read while `count` QoS 0 messages of 1 KiB go
// to "slow/q0": past a 16 KiB output budget and the socket buffers (here
// the kernel takes about 2 MB before the broker's output queue grows).
class SlowSubscriberTest : public MqttSessionTest {
protected:
    static constexpr int count = 5000;
    static constexpr std::size_t budget = 16 * 1024;

    // Stored when it returns. The client's writes do not wait for a socket
    // the broker stops reading, so each batch stays below the pending
    // appends at which it would, and a QoS 1 publish behind it (acknowledged
    // once it and everything before it are stored) paces the next.
    void publish_qos0(mqtt_client& pub) {
        const std::string filler(1000, 'x');
        constexpr int batch = 32;
        for (int i = 0; i < count; ++i) {
            ASSERT_TRUE(pub.send(make_publish("slow/q0", std::to_string(i) + ":" + filler, 0)));
            if ((i + 1) % batch != 0 && i + 1 != count) continue;
            ASSERT_TRUE(pub.send(make_publish("slow/fence", "", 1, 1)));
            ASSERT_EQ(pub.expect<puback_packet>(10s).packet_id, 1);
        }
    }

    // The sequence numbers of the QoS 0 messages `sub` receives; QoS 1 ones
    // are acknowledged and their payloads appended to `qos1`. Reads until
    // `done(QoS 0 count, QoS 1 count)` (at most 30 s: a socket that was full
    // may stall for a TCP back-off) and then until nothing more comes.
    template <typename Done>
    static std::vector<int> read_all(mqtt_client& sub, std::vector<std::string>& qos1, Done done) {
        std::vector<int> got;
        const auto deadline = clock_type::now() + 30s;
        for (;;) {
            const bool finished = done(got.size(), qos1.size());
            if (!finished && clock_type::now() > deadline) return got;
            auto p = sub.receive(finished ? 300ms : 1s);
            if (!p) {
                if (finished) return got;
                continue;
            }
            if (!std::holds_alternative<publish_packet>(*p)) continue;
            const auto& publish = std::get<publish_packet>(*p);
            const std::string& text = publish.payload;
            if (publish.qos == 1) {
                sub.send(puback_packet{publish.packet_id, reason_code::success, {}});
                qos1.push_back(std::move(text));
                continue;
            }
            got.push_back(std::stoi(text.substr(0, text.find(':'))));
        }
    }

    static bool ascending(const std::vector<int>& v) { return std::is_sorted(v.begin(), v.end()); }
};

TEST_F(SlowSubscriberTest, SlowSubscriberLosesQos0PastTheOutputBudgetWithDrop) {
    mqtt_options options;
    options.qos0_overflow = qos0_overflow_policy::drop;
    listen(options, budget);
    auto slow = client();
    slow->connect("slow-drop");
    slow->subscribe(1, "slow/q0", 0);
    slow->subscribe(2, "slow/q1", 1);
    auto pub = client();
    pub->connect("fast-drop");
    publish_qos0(*pub);
    const auto deadline = clock_type::now() + 10s;
    while (module_->dropped_qos0() == 0 && clock_type::now() < deadline) std::this_thread::sleep_for(10ms);
    ASSERT_GT(module_->dropped_qos0(), 0u) << "nothing dropped for a subscriber that does not read";
    // QoS 1 published while the client still does not read: it waits.
    for (std::uint16_t id = 2; id <= 101; ++id) {
        pub->send(make_publish("slow/q1", "q1-" + std::to_string(id - 1), 1, id));
        EXPECT_EQ(pub->expect<puback_packet>().packet_id, id);
    }
    // Still serving others meanwhile.
    auto other = client();
    EXPECT_EQ(other->connect("other-drop").reason, reason_code::success);

    std::vector<std::string> qos1;
    const auto got = read_all(*slow, qos1, [&](std::size_t qos0, std::size_t qos1_count) {
        return qos0 + module_->dropped_qos0() >= static_cast<std::size_t>(count) && qos1_count >= 100;
    });
    // Every QoS 0 message either reached the client or was counted, once.
    EXPECT_EQ(got.size() + module_->dropped_qos0(), static_cast<std::size_t>(count));
    EXPECT_LT(got.size(), static_cast<std::size_t>(count));
    EXPECT_TRUE(ascending(got));
    // QoS 1 waited and lost nothing.
    ASSERT_EQ(qos1.size(), 100u);
    for (std::size_t i = 0; i < qos1.size(); ++i) EXPECT_EQ(qos1[i], "q1-" + std::to_string(i + 1));
    // Caught up: delivered again.
    pub->send(make_publish("slow/q0", "0:after", 0));
    std::vector<std::string> none;
    EXPECT_EQ(read_all(*slow, none, [](std::size_t qos0, std::size_t) { return qos0 >= 1; }), std::vector<int>{0});
    const auto dropped = module_->dropped_qos0();
    slow.reset();
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(module_->dropped_qos0(), dropped) << "the total is kept after the connection";
    std::map<std::string, std::string> info;
    module_->add_runtime_info(info);
    EXPECT_EQ(info["mqtt.qos0Dropped"], std::to_string(dropped));
}

TEST_F(SlowSubscriberTest, SlowSubscriberGetsEveryQos0MessageWithWait) {
    listen({}, budget); // qos0_overflow_policy::wait: the default
    auto slow = client();
    slow->connect("slow-wait");
    slow->subscribe(1, "slow/q0", 0);
    auto pub = client();
    pub->connect("fast-wait");
    publish_qos0(*pub);
    std::vector<std::string> none;
    const auto got =
        read_all(*slow, none, [](std::size_t qos0, std::size_t) { return qos0 >= static_cast<std::size_t>(count); });
    ASSERT_EQ(got.size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) EXPECT_EQ(got[i], i);
    EXPECT_EQ(module_->dropped_qos0(), 0u);
}

} // namespace
} // namespace gantry::protocols::mqtt::test
