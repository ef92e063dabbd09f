// The journal of the MQTT persistent sessions, through session_store: every
// change is on file when the call returns, so a kill -9 loses none. A kill -9
// is a copy of the directory taken while the store lives: the files as they
// are then, without what the destructor would write.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../../../../../protocols/mqtt/src/session_store.hpp"
#include "../../../support/temp_dir.hpp"

namespace gantry::protocols::mqtt::test {
namespace {

namespace fs = std::filesystem;
using gantry::testing::temp_dir;

stored_session journaled_session(std::string generation, std::uint32_t expiry, std::string filter) {
    stored_session s;
    s.generation = std::move(generation);
    s.expiry_interval = expiry;
    s.subscriptions[std::move(filter)] = stored_subscription{1, false, true, std::nullopt, 1'700'000'000'000};
    return s;
}

qos2_step inbound_stored(std::uint16_t id) { return {qos2_step::kind::stored, id, std::nullopt}; }
qos2_step inbound_completed(std::uint16_t id) { return {qos2_step::kind::completed, id, std::nullopt}; }
qos2_step inbound_storing(std::uint16_t id, std::string message_id) {
    return {qos2_step::kind::storing, id, std::nullopt, storing_message{"t", std::move(message_id), 1'700'000'000'123}};
}
qos2_step outbound(qos2_step::kind what, std::uint16_t id, std::optional<delivery_place> place = std::nullopt) {
    return {what, id, std::move(place)};
}

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

class SessionJournalTest : public ::testing::Test {
protected:
    fs::path file_in(const temp_dir& dir) const { return dir.path() / "mqttSessions.json"; }
    fs::path journal_in(const temp_dir& dir) const { return dir.path() / "mqttSessions.journal"; }

    std::shared_ptr<session_store> open_store(const fs::path& file, bool sync = false,
                                        std::uint64_t limit = session_store::default_journal_limit) {
        auto s = std::make_shared<session_store>(file, sync, limit);
        EXPECT_FALSE(s->load(0));
        return s;
    }

    // What a kill -9 of the store in `from` leaves: its files as they are now.
    void crash_copy(const temp_dir& from, const temp_dir& to) {
        for (const auto& f : fs::directory_iterator(from.path()))
            fs::copy_file(f.path(), to.path() / f.path().filename(), fs::copy_options::overwrite_existing);
    }

    // The session `client_id` resumes with after a start on a copy of the
    // directory of `file` (a store writes its snapshot when it ends).
    std::optional<stored_session> after_restart(const fs::path& file, const std::string& client_id) {
        temp_dir copy;
        for (const auto& f : fs::directory_iterator(file.parent_path()))
            fs::copy_file(f.path(), copy.path() / f.path().filename());
        session_store again(copy.path() / file.filename());
        EXPECT_FALSE(again.load(0));
        auto resumed = again.resume(client_id, 99, nullptr);
        if (!resumed) return std::nullopt;
        return resumed->session;
    }

    void expect_all(const fs::path& file, const std::map<std::string, stored_session>& expected) {
        session_store again(file);
        ASSERT_FALSE(again.load(0));
        EXPECT_EQ(again.size(), expected.size());
        for (const auto& [client, session] : expected) {
            const auto resumed = again.resume(client, 2'000, nullptr);
            ASSERT_TRUE(resumed) << client;
            EXPECT_EQ(resumed->session, session) << client;
        }
    }
};

TEST_F(SessionJournalTest, EveryKindOfChangeSurvivesAKill9WithoutASnapshot) {
    for (const bool sync : {false, true}) {
        temp_dir dir, crashed;
        auto s = open_store(file_in(dir), sync);
        const auto kept = journaled_session("g1", 300, "a/+");
        s->update("kept", 1, kept);
        auto at_end = kept;
        at_end.qos2_received = {7};
        at_end.will = delayed_will{{std::byte{0x30}, std::byte{0x00}}, 5'000};
        s->end_connection("kept", 1, at_end, true, 0);
        s->update("discarded", 2, journaled_session("g2", 300, "b"));
        s->end_connection("discarded", 2, journaled_session("g2", 300, "b"), true, 0);
        s->discard("discarded");
        s->update("ended", 3, journaled_session("g3", 0, "c"));
        s->end_connection("ended", 3, journaled_session("g3", 0, "c"), false, 0);
        s->update("expired", 4, journaled_session("g4", 1, "d"));
        s->end_connection("expired", 4, journaled_session("g4", 1, "d"), true, 0);
        ASSERT_EQ(s->take_expired(1'000).size(), 1u);
        s->update("will-gone", 5, journaled_session("g5", 300, "e"));
        auto with_will = journaled_session("g5", 300, "e");
        with_will.will = delayed_will{{std::byte{0x30}, std::byte{0x00}}, 2'000};
        s->end_connection("will-gone", 5, with_will, true, 0);
        s->will_published("will-gone", 2'000);

        crash_copy(dir, crashed);
        EXPECT_FALSE(fs::exists(file_in(crashed))) << "the journal is all there is";
        EXPECT_EQ(after_restart(file_in(crashed), "kept"), at_end) << "sync " << sync;
        EXPECT_FALSE(after_restart(file_in(crashed), "discarded"));
        EXPECT_FALSE(after_restart(file_in(crashed), "ended"));
        EXPECT_FALSE(after_restart(file_in(crashed), "expired"));
        EXPECT_EQ(after_restart(file_in(crashed), "will-gone"), journaled_session("g5", 300, "e"));
    }
}

TEST_F(SessionJournalTest, InboundQos2ExchangesOfALiveConnectionSurviveAKill9) {
    for (const bool sync : {false, true}) {
        temp_dir dir, crashed;
        auto s = open_store(file_in(dir), sync);
        const auto session = journaled_session("g", 300, "a");
        s->update("dev", 1, session);
        s->qos2_exchange("dev", 1, inbound_stored(7)); // stored, PUBREC sent
        s->qos2_exchange("dev", 1, inbound_stored(8));
        s->qos2_exchange("dev", 1, inbound_completed(7)); // PUBREL came
        s->qos2_exchange("dev", 2, inbound_stored(9));  // a connection that does not hold the session
        s->qos2_exchange("none", 1, inbound_stored(5)); // no such session
        s->update("discarded", 3, session);
        s->qos2_exchange("discarded", 3, inbound_stored(4));
        s->discard("discarded");

        crash_copy(dir, crashed);
        auto expected = session;
        expected.qos2_received = {8};
        EXPECT_EQ(after_restart(file_in(crashed), "dev"), expected) << "sync " << sync;
        EXPECT_FALSE(after_restart(file_in(crashed), "none"));
        EXPECT_FALSE(after_restart(file_in(crashed), "discarded"));
    }
}

TEST_F(SessionJournalTest, InboundQos2PublishesBeingStoredAtAKill9AreKeptUntilTheirEndIsJournaled) {
    for (const bool sync : {false, true}) {
        temp_dir dir, crashed;
        auto s = open_store(file_in(dir), sync);
        const auto session = journaled_session("g", 300, "a");
        s->update("dev", 1, session);
        s->qos2_exchange("dev", 1, inbound_storing(1, "K1")); // killed before the store answered
        s->qos2_exchange("dev", 1, inbound_storing(2, "K2"));
        s->qos2_exchange("dev", 1, inbound_stored(2));
        s->qos2_exchange("dev", 1, inbound_storing(3, "K3"));
        s->qos2_exchange("dev", 1, {qos2_step::kind::abandoned, 3, std::nullopt}); // refused
        s->qos2_exchange("dev", 1, inbound_storing(4, "K4"));
        s->qos2_exchange("dev", 1, inbound_storing(4, "K5")); // the id used again after a refusal
        // The connection's own state knows nothing of them: an update keeps the store's.
        auto expected = session;
        expected.qos2_received = {2};
        s->update("dev", 1, expected);

        crash_copy(dir, crashed);
        expected.qos2_storing = {{1, inbound_storing(1, "K1").message.value()},
                                 {4, inbound_storing(4, "K5").message.value()}};
        EXPECT_EQ(after_restart(file_in(crashed), "dev"), expected) << "sync " << sync;

        ASSERT_FALSE(s->save());
        EXPECT_EQ(after_restart(file_in(dir), "dev")->qos2_storing, expected.qos2_storing) << "in the snapshot";
        s->qos2_exchange("dev", 1, {qos2_step::kind::abandoned, 1, std::nullopt});
        s->qos2_exchange("dev", 1, inbound_stored(4));
        crash_copy(dir, crashed);
        EXPECT_TRUE(after_restart(file_in(crashed), "dev")->qos2_storing.empty()) << "sync " << sync;
    }
}

TEST_F(SessionJournalTest, Qos2StepsOnBothSidesOfACompactionLoadTheLatestState) {
    temp_dir dir;
    auto s = open_store(file_in(dir));
    const auto session = journaled_session("g", 300, "a");
    s->update("dev", 1, session);
    s->qos2_exchange("dev", 1, inbound_stored(7));
    s->qos2_exchange("dev", 1, inbound_stored(8));
    const auto before_compaction = read_bytes(journal_in(dir));
    ASSERT_FALSE(s->save());
    s->qos2_exchange("dev", 1, inbound_completed(7));
    s->qos2_exchange("dev", 1, inbound_stored(9));

    auto expected = session;
    expected.qos2_received = {8, 9};
    temp_dir crashed;
    crash_copy(dir, crashed);
    EXPECT_EQ(after_restart(file_in(crashed), "dev"), expected);
    // Killed after the snapshot's rename, before the rotated journal was deleted.
    write_bytes(crashed.path() / "mqttSessions.journal.old", before_compaction);
    EXPECT_EQ(after_restart(file_in(crashed), "dev"), expected);
}

TEST_F(SessionJournalTest, OutboundQos2ExchangesOfALiveConnectionSurviveAKill9) {
    using kind = qos2_step::kind;
    for (const bool sync : {false, true}) {
        temp_dir dir, crashed;
        auto s = open_store(file_in(dir), sync);
        const auto session = journaled_session("g", 300, "a");
        const delivery_place p1{"a", "a", 0, 10}, p2{"a", "a", 1, 4}, p3{"a", "a", 0, 11}, p4{"a", "a", 2, 0};
        s->update("dev", 1, session);
        s->qos2_exchange("dev", 1, outbound(kind::sent, 1, p1));
        s->qos2_exchange("dev", 1, outbound(kind::sent, 2, p2));
        s->qos2_exchange("dev", 1, outbound(kind::sent, 3, p3));
        s->qos2_exchange("dev", 1, outbound(kind::sent, 4, p4));
        s->qos2_exchange("dev", 1, outbound(kind::received, 1, p1));     // PUBREL went
        s->qos2_exchange("dev", 1, outbound(kind::received, 2, p2));
        s->qos2_exchange("dev", 1, outbound(kind::acknowledged, 2));     // PUBCOMP came
        s->qos2_exchange("dev", 1, outbound(kind::refused, 3, p3));      // PUBREC 0x80
        s->qos2_exchange("dev", 1, outbound(kind::received, 5));         // a retained copy
        s->qos2_exchange("dev", 2, outbound(kind::sent, 6, p4));         // not the holder

        crash_copy(dir, crashed);
        auto expected = session;
        expected.unacked = {{p4, 4}};
        expected.pubrel_sent = {1, 5};
        expected.qos2_delivered = {p1, p2, p3};
        EXPECT_EQ(after_restart(file_in(crashed), "dev"), expected) << "sync " << sync;
    }
}

TEST_F(SessionJournalTest, APacketIdNamesOneDeliveryAndTheStoreKeepsWhatTheClientHas) {
    using kind = qos2_step::kind;
    temp_dir dir;
    auto s = open_store(file_in(dir));
    auto session = journaled_session("g", 300, "a");
    const delivery_place p1{"a", "a", 0, 10}, p2{"a", "a", 0, 11};
    session.unacked = {{p1, 7}};
    s->update("dev", 1, session);
    s->qos2_exchange("dev", 1, outbound(kind::sent, 7, p2)); // id 7 again, for another message
    temp_dir crashed;
    crash_copy(dir, crashed);
    EXPECT_EQ(after_restart(file_in(crashed), "dev")->unacked, (std::map<delivery_place, std::uint16_t>{{p2, 7}}));
    s->qos2_exchange("dev", 1, outbound(kind::received, 7, p2));
    // The connection's own state never carries what the client has: an
    // update, its end and a takeover's handover keep the store's.
    s->update("dev", 1, journaled_session("g", 300, "a"));
    s->end_connection("dev", 1, journaled_session("g", 300, "a"), true, 0);
    std::optional<stored_session> handed;
    ASSERT_TRUE(s->resume("dev", 2, nullptr));
    ASSERT_TRUE(s->resume("dev", 3, [&](stored_session at_end) { handed = std::move(at_end); }));
    s->end_connection("dev", 2, journaled_session("g", 300, "a"), true, 0);
    ASSERT_TRUE(handed);
    EXPECT_EQ(handed->qos2_delivered, std::set<delivery_place>{p2});
    crash_copy(dir, crashed);
    EXPECT_EQ(after_restart(file_in(crashed), "dev")->qos2_delivered, std::set<delivery_place>{p2});
}

TEST_F(SessionJournalTest, CompactionForgetsWhatTheEngineCanNoLongerGiveBack) {
    using kind = qos2_step::kind;
    temp_dir dir;
    auto s = open_store(file_in(dir));
    const delivery_place kept{"a", "a", 0, 10}, passed{"a", "a", 0, 3};
    s->update("dev", 1, journaled_session("g", 300, "a"));
    s->qos2_exchange("dev", 1, outbound(kind::received, 1, kept));
    s->qos2_exchange("dev", 1, outbound(kind::received, 2, passed));
    ASSERT_FALSE(s->save());
    EXPECT_EQ(after_restart(file_in(dir), "dev")->qos2_delivered, (std::set<delivery_place>{passed, kept}))
        << "without a check, every place is kept";

    std::vector<std::string> asked_for;
    s->check_redelivery_with([&](const std::string& client_id, const stored_session& session,
                                 const delivery_place& place) {
        asked_for.push_back(client_id + "/" + session.generation);
        return place.queue_offset >= 5; // the group's offset on disk is 5
    });
    ASSERT_FALSE(s->save());
    EXPECT_EQ(asked_for, (std::vector<std::string>{"dev/g", "dev/g"}));
    EXPECT_EQ(after_restart(file_in(dir), "dev")->qos2_delivered, std::set<delivery_place>{kept});
}

TEST_F(SessionJournalTest, AResumedSessionsVoidWillSurvivesAKill9) {
    temp_dir dir, crashed;
    auto s = open_store(file_in(dir));
    auto with_will = journaled_session("g", 300, "a");
    s->update("dev", 1, with_will);
    with_will.will = delayed_will{{std::byte{0x30}, std::byte{0x00}}, 9'000};
    s->end_connection("dev", 1, with_will, true, 0);
    ASSERT_TRUE(s->resume("dev", 2, nullptr));
    crash_copy(dir, crashed);
    session_store again(file_in(crashed));
    ASSERT_FALSE(again.load(0));
    EXPECT_TRUE(again.delayed_wills().empty()) << "the client came back before its will was due";
}

TEST_F(SessionJournalTest, ATornOrDamagedLastRecordIsDroppedAndTheRestLoads) {
    for (const std::string_view damage : {"cut", "zeros", "flipped"}) {
        temp_dir dir, crashed;
        auto s = open_store(file_in(dir));
        s->update("first", 1, journaled_session("g", 300, "a"));
        const auto whole = fs::file_size(journal_in(dir));
        s->update("second", 2, journaled_session("g", 300, "b"));
        crash_copy(dir, crashed);
        auto bytes = read_bytes(journal_in(crashed));
        if (damage == "cut") bytes.resize(bytes.size() - 3);
        if (damage == "zeros") bytes.append(4096, '\0'); // a file a crash extended without its data
        if (damage == "flipped") bytes.back() = static_cast<char>(bytes.back() ^ 0x01);
        write_bytes(journal_in(crashed), bytes);

        auto again = std::make_shared<session_store>(file_in(crashed));
        ASSERT_FALSE(again->load(0)) << damage;
        EXPECT_TRUE(again->resume("first", 3, nullptr)) << damage;
        const bool second_kept = damage == "zeros";
        EXPECT_EQ(again->resume("second", 4, nullptr).has_value(), second_kept) << damage;
        const auto good = second_kept ? bytes.size() - 4096 : whole;
        EXPECT_EQ(fs::file_size(journal_in(crashed)), good) << damage << ": cut after the last whole record";

        // The journal goes on from there.
        again->update("third", 5, journaled_session("g", 300, "c"));
        temp_dir crashed_again;
        crash_copy(crashed, crashed_again);
        EXPECT_TRUE(after_restart(file_in(crashed_again), "first")) << damage;
        EXPECT_TRUE(after_restart(file_in(crashed_again), "third")) << damage;
    }
}

TEST_F(SessionJournalTest, CompactionKeepsEveryChange) {
    temp_dir dir;
    std::map<std::string, stored_session> expected;
    {
        auto s = open_store(file_in(dir), false, 4096); // a compaction every few changes, beside them
        for (int i = 0; i < 200; ++i) {
            const auto client = "dev-" + std::to_string(i % 40);
            const auto serial = static_cast<std::uint64_t>(i + 1);
            auto session = journaled_session("g" + std::to_string(i), 300, "t/" + std::to_string(i));
            s->resume(client, serial, nullptr);
            s->update(client, serial, session);
            const bool keep = i % 7 != 0;
            s->end_connection(client, serial, session, keep, 0);
            if (keep) expected[client] = session;
            else expected.erase(client);
        }
        for (int i = 0; i < 100 && !fs::exists(file_in(dir)); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_TRUE(fs::exists(file_in(dir))) << "a compaction wrote the snapshot while the changes went on";
    } // the last compaction, at the end
    EXPECT_FALSE(fs::exists(journal_in(dir))) << "all in the snapshot";
    EXPECT_FALSE(fs::exists(dir.path() / "mqttSessions.journal.old"));
    expect_all(file_in(dir), expected);

    // Changes after a compaction go to a new journal, which a kill -9 keeps.
    auto s = open_store(file_in(dir));
    s->update("late", 1'000, journaled_session("late", 300, "z"));
    s->discard("dev-2");
    expected["late"] = journaled_session("late", 300, "z");
    expected.erase("dev-2");
    temp_dir crashed;
    crash_copy(dir, crashed);
    expect_all(file_in(crashed), expected);
}

TEST_F(SessionJournalTest, AJournalACrashLeftBesideANewerSnapshotLoadsTheLatestState) {
    temp_dir dir;
    auto s = open_store(file_in(dir));
    s->update("dev", 1, journaled_session("g", 300, "a"));
    s->update("dev", 1, journaled_session("g", 300, "b"));
    s->update("gone", 2, journaled_session("g", 300, "x"));
    const auto before_compaction = read_bytes(journal_in(dir));
    ASSERT_FALSE(s->save()); // the snapshot holds these changes
    s->update("dev", 1, journaled_session("g", 300, "c"));
    s->discard("gone");
    const auto after_compaction = read_bytes(journal_in(dir));

    auto expect_latest = [&](const temp_dir& crashed) {
        EXPECT_EQ(after_restart(file_in(crashed), "dev"), journaled_session("g", 300, "c"));
        EXPECT_FALSE(after_restart(file_in(crashed), "gone"));
    };
    // Killed after the snapshot's rename, before the rotated journal was deleted.
    temp_dir rotated;
    crash_copy(dir, rotated);
    write_bytes(rotated.path() / "mqttSessions.journal.old", before_compaction);
    expect_latest(rotated);
    // The same changes in one journal (a compaction that could not rotate).
    temp_dir one_journal;
    crash_copy(dir, one_journal);
    write_bytes(journal_in(one_journal), before_compaction + after_compaction);
    expect_latest(one_journal);
    // Killed before the snapshot's rename: the old snapshot (none) and both journals.
    temp_dir before_rename;
    crash_copy(dir, before_rename);
    fs::remove(file_in(before_rename));
    write_bytes(before_rename.path() / "mqttSessions.journal.old", before_compaction);
    expect_latest(before_rename);
}

TEST_F(SessionJournalTest, ASnapshotWithoutJournalAsOlderVersionsLeftItLoads) {
    temp_dir dir;
    std::ofstream(file_in(dir)) << R"({"sessions": {"dev": {"generation": "g", "expiryInterval": 300,
        "subscriptions": [{"filter": "a/#", "qos": 1, "noLocal": false, "retainAsPublished": false}],
        "qos2Received": [3], "pubrelSent": []}}})";
    const auto resumed = after_restart(file_in(dir), "dev");
    ASSERT_TRUE(resumed);
    EXPECT_EQ(resumed->subscriptions.count("a/#"), 1u);
    EXPECT_EQ(resumed->qos2_received, std::set<std::uint16_t>{3});
}

TEST_F(SessionJournalTest, AWholeRecordThatIsNoSessionChangeIsAnError) {
    temp_dir dir;
    const std::string payload = R"({"not": "a change"})";
    const auto crc = static_cast<std::uint32_t>(
        ::crc32(0L, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())));
    std::string record;
    for (const auto v : {static_cast<std::uint32_t>(payload.size()), crc})
        for (int shift = 24; shift >= 0; shift -= 8) record.push_back(static_cast<char>((v >> shift) & 0xFF));
    write_bytes(journal_in(dir), record + payload);
    session_store s(file_in(dir));
    EXPECT_TRUE(s.load(0));
    EXPECT_EQ(read_bytes(journal_in(dir)), record + payload) << "left as it is for the operator";
}

} // namespace
} // namespace gantry::protocols::mqtt::test
