// The persistent sessions of the MQTT module: who owns a session, what a
// takeover is handed, expiry, and the files they survive a restart and a
// kill -9 in (session_journal_test.cpp: the journal).
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "../../../../../protocols/mqtt/src/session_store.hpp"
#include "../../../support/temp_dir.hpp"

namespace gantry::protocols::mqtt::test {
namespace {

using gantry::testing::temp_dir;

stored_session session_with(std::string generation, std::uint32_t expiry, std::string filter) {
    stored_session s;
    s.generation = std::move(generation);
    s.expiry_interval = expiry;
    s.subscriptions[std::move(filter)] = stored_subscription{1, true, false, 7, 1'700'000'000'123};
    return s;
}

class SessionStoreTest : public ::testing::Test {
protected:
    std::shared_ptr<session_store> store(std::filesystem::path file = {}) {
        return std::make_shared<session_store>(std::move(file));
    }
};

TEST_F(SessionStoreTest, KeptSessionIsResumedWithItsSubscriptions) {
    auto s = store();
    const auto session = session_with("g1", 60, "a/+");
    s->update("dev", 1, session);
    EXPECT_FALSE(s->end_connection("dev", 1, session, true, 1'000));
    const auto resumed = s->resume("dev", 2, nullptr);
    ASSERT_TRUE(resumed);
    EXPECT_EQ(resumed->session, session);
    EXPECT_FALSE(resumed->handed_over_later);
    EXPECT_FALSE(s->resume("other", 3, nullptr));
}

TEST_F(SessionStoreTest, SessionNotKeptEndsWithItsConnectionAndItsGroupsGo) {
    auto s = store();
    const auto session = session_with("g1", 0, "a");
    s->update("dev", 1, session);
    EXPECT_TRUE(s->end_connection("dev", 1, session, false, 1'000));
    EXPECT_FALSE(s->resume("dev", 2, nullptr));
}

TEST_F(SessionStoreTest, DiscardReturnsASessionOnlyWhenNoConnectionHoldsIt) {
    auto s = store();
    const auto session = session_with("g1", 60, "a");
    s->update("dev", 1, session);
    EXPECT_FALSE(s->discard("dev")); // held: its connection deletes the groups when it ends
    EXPECT_TRUE(s->end_connection("dev", 1, session, true, 1'000));

    s->update("dev", 2, session);
    s->end_connection("dev", 2, session, true, 1'000);
    EXPECT_EQ(s->discard("dev"), session);
    EXPECT_EQ(s->size(), 0u);
}

TEST_F(SessionStoreTest, AConnectionOfAnEarlierGenerationDeletesOnlyItsOwnGroups) {
    auto s = store();
    const auto old_session = session_with("old", 60, "a");
    s->update("dev", 1, old_session);
    s->discard("dev");
    s->update("dev", 2, session_with("new", 60, "a")); // the clean start's session
    EXPECT_TRUE(s->end_connection("dev", 1, old_session, true, 1'000));
    EXPECT_EQ(s->resume("dev", 3, nullptr)->session.generation, "new");
}

TEST_F(SessionStoreTest, ATakeoverIsHandedTheStateThePreviousConnectionEndsWith) {
    auto s = store();
    s->update("dev", 1, session_with("g", 60, "a"));
    std::optional<stored_session> handed;
    const auto resumed = s->resume("dev", 2, [&](stored_session state) { handed = std::move(state); });
    ASSERT_TRUE(resumed);
    EXPECT_TRUE(resumed->handed_over_later);
    auto at_end = session_with("g", 60, "a");
    at_end.pubrel_sent = {5};
    at_end.qos2_received = {9};
    // Its own expiry of 0 does not end a session another connection continues.
    at_end.expiry_interval = 0;
    EXPECT_FALSE(s->end_connection("dev", 1, at_end, false, 1'000));
    EXPECT_EQ(handed, at_end);
    EXPECT_EQ(s->resume("dev", 3, nullptr)->session, at_end);
}

TEST_F(SessionStoreTest, ASuccessorThatEndsBeforeTheHandoverKeepsThePredecessorsState) {
    auto s = store();
    s->update("dev", 1, session_with("g", 60, "a"));
    s->resume("dev", 2, [](stored_session) { FAIL() << "the successor had ended"; });
    EXPECT_FALSE(s->end_connection("dev", 2, session_with("g", 60, "b"), true, 1'000));
    EXPECT_FALSE(s->end_connection("dev", 1, session_with("g", 60, "c"), true, 1'000));
    EXPECT_EQ(s->resume("dev", 3, nullptr)->session.subscriptions.count("c"), 1u);
}

TEST_F(SessionStoreTest, DisconnectedSessionsExpireAfterTheirIntervalUnlessNever) {
    auto s = store();
    s->update("short", 1, session_with("g", 2, "a"));
    s->update("forever", 2, session_with("g", stored_session::never_expires, "a"));
    s->end_connection("short", 1, session_with("g", 2, "a"), true, 10'000);
    s->end_connection("forever", 2, session_with("g", stored_session::never_expires, "a"), true, 10'000);
    EXPECT_TRUE(s->take_expired(11'999).empty());
    const auto expired = s->take_expired(12'000);
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].first, "short");
    EXPECT_TRUE(s->take_expired(1'000'000'000'000).empty());
    EXPECT_EQ(s->size(), 1u);
}

TEST_F(SessionStoreTest, AResumedSessionNoLongerExpires) {
    auto s = store();
    s->update("dev", 1, session_with("g", 1, "a"));
    s->end_connection("dev", 1, session_with("g", 1, "a"), true, 0);
    ASSERT_TRUE(s->resume("dev", 2, nullptr));
    EXPECT_TRUE(s->take_expired(5'000).empty());
}

TEST_F(SessionStoreTest, SessionsSurviveARestartAndExpireCountedFromIt) {
    temp_dir dir;
    const auto file = dir.path() / "mqttSessions.json";
    auto session = session_with("g", 30, "a/#");
    session.qos2_received = {1, 2};
    session.pubrel_sent = {3};
    session.unacked = {{{"a/#", "a", 2, 17}, 4}, {{"a/#", "%RETRY%GANTRY_MQTT-dev-g-a%2F%23", 0, 3}, 9}};
    {
        auto s = store(file);
        s->update("dev", 1, session);
        s->end_connection("dev", 1, session, true, 0);
    }
    EXPECT_TRUE(std::filesystem::exists(file)) << "written when the store ends";
    auto again = store(file);
    ASSERT_FALSE(again->load(100'000));
    EXPECT_TRUE(again->take_expired(129'999).empty());
    EXPECT_EQ(again->resume("dev", 2, nullptr)->session, session);
}

TEST_F(SessionStoreTest, ADelayedWillSurvivesARestartUntilPublishedOrResumed) {
    temp_dir dir;
    const auto file = dir.path() / "mqttSessions.json";
    const delayed_will will{{std::byte{0x30}, std::byte{0x00}, std::byte{0xff}}, 123'456};
    {
        auto s = store(file);
        for (const char* client : {"dying", "returning"}) {
            auto session = session_with("g", 300, "a");
            s->update(client, 1, session);
            session.will = will;
            s->end_connection(client, 1, session, true, 0);
        }
        EXPECT_EQ(s->delayed_wills().size(), 2u);
    }
    auto again = store(file);
    ASSERT_FALSE(again->load(1'000));
    const auto wills = again->delayed_wills();
    ASSERT_EQ(wills.size(), 2u);
    EXPECT_EQ(wills[0], (std::pair<std::string, delayed_will>{"dying", will}));

    again->will_published("dying", 999); // not this will
    EXPECT_EQ(again->delayed_wills().size(), 2u);
    again->will_published("dying", will.due_ms);
    const auto resumed = again->resume("returning", 2, nullptr);
    ASSERT_TRUE(resumed);
    EXPECT_EQ(resumed->session.will, will) << "the connection that resumes sees it, and saves its session without it";
    EXPECT_TRUE(again->delayed_wills().empty());
    EXPECT_FALSE(again->resume("dying", 3, nullptr)->session.will);
}

TEST_F(SessionStoreTest, TheSnapshotHoldsEveryChangeWhenTheStoreEnds) {
    temp_dir dir;
    const auto file = dir.path() / "mqttSessions.json";
    store(file)->update("dev", 1, session_with("g", 30, "a"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "mqttSessions.journal")) << "all in the snapshot";
    auto again = store(file);
    ASSERT_FALSE(again->load(0));
    EXPECT_TRUE(again->resume("dev", 2, nullptr));
}

TEST_F(SessionStoreTest, AnUnreadableFileIsAnError) {
    temp_dir dir;
    const auto file = dir.path() / "mqttSessions.json";
    std::ofstream(file) << R"({"sessions": {"dev": {"generation": 5}}})";
    EXPECT_TRUE(store(file)->load(0));
}

} // namespace
} // namespace gantry::protocols::mqtt::test
