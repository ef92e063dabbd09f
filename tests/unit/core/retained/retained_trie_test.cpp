// The retained-name tree: MQTT's matching rules, set / replace / clear,
// paging in name order, and a million names with narrow look-ups.
#include <gtest/gtest.h>

#include <set>

#include "gantry/core/retained_trie.hpp"

namespace gantry::core {
namespace {

std::set<std::string> names(const retained_trie& trie, std::string_view filter) {
    std::vector<retained_trie::entry> out;
    EXPECT_FALSE(trie.match(filter, std::nullopt, 1'000'000, out));
    std::set<std::string> result;
    for (const auto& e : out) result.insert(e.name);
    EXPECT_EQ(result.size(), out.size()) << "a name matched twice for " << filter;
    return result;
}

using S = std::set<std::string>;

class RetainedTrieTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::int64_t offset = 0;
        for (const auto* name : {"a", "a/b", "a/b/c", "a/c", "a/", "a//c", "b/x", "$SYS/up", "$SYS", "/lead", "home/1/t",
                                 "home/2/t", "home/2/h"})
            trie_.set(name, offset++);
    }
    retained_trie trie_;
};

TEST_F(RetainedTrieTest, MatchingTable) {
    struct row {
        std::string_view filter;
        S expected;
    };
    const row table[] = {
        {"a", {"a"}},
        {"a/b", {"a/b"}},
        {"a/+", {"a/b", "a/c", "a/"}},
        {"a/#", {"a", "a/b", "a/b/c", "a/c", "a/", "a//c"}},
        {"a/+/c", {"a/b/c", "a//c"}},
        {"a/b/#", {"a/b", "a/b/c"}},
        {"+/b", {"a/b"}},
        {"+", {"a"}},
        {"#", {"a", "a/b", "a/b/c", "a/c", "a/", "a//c", "b/x", "/lead", "home/1/t", "home/2/t", "home/2/h"}},
        {"+/+", {"a/b", "a/c", "a/", "b/x", "/lead"}},
        {"$SYS/#", {"$SYS", "$SYS/up"}},
        {"$SYS/+", {"$SYS/up"}},
        {"+/up", {}},
        {"/+", {"/lead"}},
        {"home/+/t", {"home/1/t", "home/2/t"}},
        {"home/2/+", {"home/2/t", "home/2/h"}},
        {"nothing/#", {}},
        {"a/b/c/d", {}},
        {"a/b/c/#", {"a/b/c"}},
    };
    for (const auto& r : table) EXPECT_EQ(names(trie_, r.filter), r.expected) << "filter " << r.filter;
}

TEST_F(RetainedTrieTest, SetReplaceClear) {
    EXPECT_EQ(trie_.size(), 13u);
    trie_.set("a/b", 100);
    EXPECT_EQ(trie_.find("a/b"), 100);
    EXPECT_EQ(trie_.size(), 13u);
    EXPECT_TRUE(trie_.erase("a/b"));
    EXPECT_FALSE(trie_.find("a/b"));
    EXPECT_TRUE(trie_.find("a/b/c")) << "a child stays when its parent name is cleared";
    EXPECT_FALSE(trie_.erase("a/b"));
    EXPECT_EQ(trie_.size(), 12u);
    // Conditional erase: only while the name still holds that record.
    EXPECT_FALSE(trie_.erase("a/c", 999));
    EXPECT_TRUE(trie_.erase("a/c", *trie_.find("a/c")));
    EXPECT_TRUE(trie_.erase("a/b/c"));
    EXPECT_EQ(names(trie_, "a/#"), (S{"a", "a/", "a//c"}));
    EXPECT_FALSE(trie_.find("a/b")) << "pruned branch";
}

TEST_F(RetainedTrieTest, PagesResumeInNameOrder) {
    std::vector<std::string> seen;
    std::optional<std::string> after;
    for (int pages = 0; pages < 100; ++pages) {
        std::vector<retained_trie::entry> out;
        const bool more = trie_.match("#", after, 2, out);
        for (const auto& e : out) seen.push_back(e.name);
        if (!more) break;
        EXPECT_EQ(out.size(), 2u);
        after = out.back().name;
    }
    std::vector<std::string> all;
    std::vector<retained_trie::entry> out;
    trie_.match("#", std::nullopt, 100, out);
    for (const auto& e : out) all.push_back(e.name);
    EXPECT_EQ(seen, all);
    EXPECT_EQ(all.size(), 11u);
}

// Protocols store MQTT's "$SYS" as engine topic "%24SYS"
// (engine::hidden_topic_prefix): first-level wildcards pass it by too, and
// a walk over every name still visits it.
TEST(RetainedTrieHidden, EncodedDollarNamesAreHiddenFromFirstLevelWildcards) {
    retained_trie trie;
    std::int64_t offset = 0;
    for (const auto* name : {"a/up", "%24SYS/up", "%24SYS", "%2524x/up"}) trie.set(name, offset++);
    EXPECT_EQ(names(trie, "#"), (S{"a/up", "%2524x/up"}));
    EXPECT_EQ(names(trie, "+/up"), (S{"a/up", "%2524x/up"}));
    EXPECT_EQ(names(trie, "%24SYS/#"), (S{"%24SYS", "%24SYS/up"}));
    S visited;
    trie.for_each([&](const std::string& name, std::int64_t) { visited.insert(name); });
    EXPECT_EQ(visited, (S{"a/up", "%24SYS/up", "%24SYS", "%2524x/up"}));
}

TEST(RetainedTrieFilters, ProblemsAreReported) {
    EXPECT_FALSE(retained_trie::filter_problem("a/+/#"));
    EXPECT_FALSE(retained_trie::filter_problem("#"));
    EXPECT_TRUE(retained_trie::filter_problem("a/#/b"));
    EXPECT_TRUE(retained_trie::filter_problem("a+"));
    EXPECT_TRUE(retained_trie::filter_problem("a/b#"));
}

TEST(RetainedTrieScale, MillionNamesNarrowLookups) {
    retained_trie trie;
    std::int64_t offset = 0;
    for (int group = 0; group < 1000; ++group) {
        const auto prefix = "fleet/" + std::to_string(group) + "/";
        for (int device = 0; device < 1000; ++device) trie.set(prefix + std::to_string(device), offset++);
    }
    ASSERT_EQ(trie.size(), 1'000'000u);

    std::vector<retained_trie::entry> out;
    EXPECT_FALSE(trie.match("fleet/123/45", std::nullopt, 10, out));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].offset, 123 * 1000 + 45);

    out.clear();
    EXPECT_FALSE(trie.match("fleet/777/+", std::nullopt, 5000, out));
    EXPECT_EQ(out.size(), 1000u);
    for (const auto& e : out) EXPECT_TRUE(e.name.starts_with("fleet/777/"));

    out.clear();
    EXPECT_FALSE(trie.match("fleet/+/999", std::nullopt, 5000, out));
    EXPECT_EQ(out.size(), 1000u);

    // A page of a huge match stops at its limit and says more follow.
    out.clear();
    EXPECT_TRUE(trie.match("fleet/#", std::nullopt, 10, out));
    EXPECT_EQ(out.size(), 10u);

    out.clear();
    EXPECT_FALSE(trie.match("fleet/1000/+", std::nullopt, 10, out));
    EXPECT_TRUE(out.empty());
}

} // namespace
} // namespace gantry::core
