// Retained messages through the engine: retain / replace / clear, look-ups
// by filter in pages, and recovery after a clean stop, without a snapshot
// (a crash before the first one) and with a snapshot the log does not reach.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "../engine/engine_test_support.hpp"
#include "gantry/core/core_error.hpp"

namespace gantry::core {
namespace {

class RetainedStoreTest : public testing::engine_fixture {
protected:
    engine::append_receipt retain(const std::string& topic, const std::string& tag, const std::string& body) {
        engine::message m;
        m.topic = topic;
        m.tag = tag;
        m.body = body;
        std::promise<result<engine::append_receipt>> p;
        engine_->retained().retain(ctx(), std::move(m), [&](result<engine::append_receipt> r) { p.set_value(r); });
        auto r = p.get_future().get();
        EXPECT_TRUE(r) << r.error().message();
        return r ? *r : engine::append_receipt{};
    }

    // name → body of everything retained under `filter`, read in pages of 2.
    std::map<std::string, std::string> retained(const std::string& filter) {
        std::map<std::string, std::string> out;
        engine::retained_query q{filter, std::nullopt, 2};
        for (int pages = 0; pages < 1000; ++pages) {
            auto page = engine_->retained().find_retained(q);
            EXPECT_TRUE(page) << page.error().message();
            if (!page) break;
            for (const auto& d : page->messages) {
                const auto name = d.msg.tag.empty() ? d.msg.topic : d.msg.topic + "/" + d.msg.tag;
                EXPECT_TRUE(out.emplace(name, d.msg.body).second) << "returned twice: " << name;
            }
            if (!page->next) break;
            q.after = page->next;
        }
        return out;
    }

    using M = std::map<std::string, std::string>;
};

TEST_F(RetainedStoreTest, SetReplaceClearAndFilters) {
    retain("home", "kitchen/temp", "21");
    retain("home", "hall/temp", "19");
    retain("home", "hall/light", "on");
    retain("home", "", "root");
    retain("garden", "temp", "12");
    EXPECT_EQ(engine_->retained().retained_count(), 5u);
    EXPECT_EQ(retained("home/+/temp"), (M{{"home/hall/temp", "19"}, {"home/kitchen/temp", "21"}}));
    EXPECT_EQ(retained("home/#").size(), 4u);
    EXPECT_EQ(retained("home"), (M{{"home", "root"}}));

    retain("home", "hall/temp", "20"); // replaces
    EXPECT_EQ(retained("home/hall/temp"), (M{{"home/hall/temp", "20"}}));
    retain("home", "hall/light", ""); // clears
    EXPECT_EQ(retained("home/hall/#"), (M{{"home/hall/temp", "20"}}));
    EXPECT_EQ(engine_->retained().retained_count(), 4u);

    EXPECT_EQ(engine_->retained().find_retained({"home/#/x", std::nullopt, 10}).error(),
              make_error_code(core_errc::invalid_filter));

    // The tree's walks recurse per level: a name may have at most max_levels.
    engine::message deep;
    deep.topic = "home";
    deep.tag = std::string(retained_trie::max_levels, '/');
    deep.body = "deep";
    std::promise<result<engine::append_receipt>> p;
    engine_->retained().retain(ctx(), deep, [&](result<engine::append_receipt> r) { p.set_value(r); });
    EXPECT_EQ(p.get_future().get().error(), make_error_code(core_errc::invalid_topic_name));
}

TEST_F(RetainedStoreTest, RetainedMessagesAreAlsoOrdinaryMessages) {
    engine::subscription_options o;
    o.topic = "home";
    o.start = engine::start_position::earliest();
    auto sink = std::make_shared<testing::recording_sink>();
    const auto id = subscribe(o, sink);
    engine_->grant_credit(id, 10);
    retain("home", "a", "1");
    retain("home", "a", ""); // a clear is still delivered (MQTT §3.3.1.3)
    ASSERT_TRUE(sink->wait_for(2));
    EXPECT_EQ(sink->deliveries()[1].msg.body, "");
    for (const auto& d : sink->deliveries())
        for (const auto& [name, value] : d.msg.properties) EXPECT_NE(name, "GANTRY_RETAINED");
}

TEST_F(RetainedStoreTest, SurvivesACleanRestart) {
    retain("home", "a", "1");
    retain("home", "b", "2");
    retain("home", "b", "");
    close();
    open();
    EXPECT_EQ(retained("home/#"), (M{{"home/a", "1"}}));
    // Written after the snapshot: with the old snapshot put back (as after a
    // kill -9 before the next one), the replay of the log finds them.
    const auto snapshot = engine_->retained_messages().snapshot_path();
    const auto saved = snapshot.string() + ".saved";
    std::filesystem::copy_file(snapshot, saved);
    retain("home", "c", "3");
    retain("home", "a", "");
    close();
    std::filesystem::rename(saved, snapshot);
    open();
    EXPECT_EQ(retained("home/#"), (M{{"home/c", "3"}}));
}

TEST_F(RetainedStoreTest, RebuildsFromTheLogWithoutASnapshot) {
    retain("home", "a", "1");
    retain("home", "b", "2");
    append("home", "plain", "a"); // not retained: changes nothing
    retain("home", "b", "");
    const auto snapshot = engine_->retained_messages().snapshot_path();
    close();
    std::filesystem::remove(snapshot); // as if the broker died before its first snapshot
    open();
    EXPECT_EQ(retained("home/#"), (M{{"home/a", "1"}}));
}

TEST_F(RetainedStoreTest, ASnapshotAheadOfTheLogIsDropped) {
    retain("home", "a", "1");
    const auto snapshot = engine_->retained_messages().snapshot_path();
    close();
    // A snapshot that claims more log than there is (the tail was lost) must
    // not be trusted: its offsets could name other records by now.
    {
        std::string data;
        {
            std::ifstream in(snapshot, std::ios::binary);
            data.assign(std::istreambuf_iterator<char>(in), {});
        }
        ASSERT_GT(data.size(), 16u);
        data[15] = 0x7f; // covered offset's top byte
        data.resize(data.size() - 4);
        const auto sum = static_cast<std::uint32_t>(store::body_crc32(store::as_bytes(data)));
        for (int i = 0; i < 4; ++i) data.push_back(static_cast<char>((sum >> (8 * i)) & 0xFF));
        std::ofstream(snapshot, std::ios::binary | std::ios::trunc) << data;
    }
    open();
    EXPECT_EQ(retained("home/#"), (M{{"home/a", "1"}}));
}

TEST_F(RetainedStoreTest, ACorruptSnapshotIsRebuilt) {
    retain("home", "a", "1");
    const auto snapshot = engine_->retained_messages().snapshot_path();
    close();
    std::ofstream(snapshot, std::ios::binary | std::ios::trunc) << "GRTN garbage";
    open();
    EXPECT_EQ(retained("home/#"), (M{{"home/a", "1"}}));
}

} // namespace
} // namespace gantry::core
