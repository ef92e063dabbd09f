#include "acl_test_support.hpp"

namespace gantry::security::test {
namespace {

using acl_subscribe_test = acl_fixture;

// A subscription is allowed when one read rule covers every name the filter
// can match, and no deny rule shares a name with it.
TEST_F(acl_subscribe_test, a_hash_rule_covers_its_whole_subtree) {
    load("user alice\ntopic read a/#\n");
    EXPECT_TRUE(subscribes("alice", "a/#"));
    EXPECT_TRUE(subscribes("alice", "a/+"));
    EXPECT_TRUE(subscribes("alice", "a/+/c/#"));
    EXPECT_TRUE(subscribes("alice", "a"));
    EXPECT_TRUE(subscribes("alice", "a/b/c"));
    EXPECT_FALSE(subscribes("alice", "#"));
    EXPECT_FALSE(subscribes("alice", "+/b"));
    EXPECT_FALSE(subscribes("alice", "b/#"));
}

TEST_F(acl_subscribe_test, a_plus_rule_covers_one_level_only) {
    load("user alice\ntopic read a/+\n");
    EXPECT_TRUE(subscribes("alice", "a/+"));
    EXPECT_TRUE(subscribes("alice", "a/b"));
    EXPECT_FALSE(subscribes("alice", "a/#"));
    EXPECT_FALSE(subscribes("alice", "a"));
    EXPECT_FALSE(subscribes("alice", "a/b/c"));
    EXPECT_FALSE(subscribes("alice", "a/+/c"));
}

TEST_F(acl_subscribe_test, a_literal_rule_covers_only_that_name) {
    load("user alice\ntopic read a/b\n");
    EXPECT_TRUE(subscribes("alice", "a/b"));
    EXPECT_FALSE(subscribes("alice", "a/+"));
    EXPECT_FALSE(subscribes("alice", "a/#"));
}

TEST_F(acl_subscribe_test, coverage_comes_from_one_rule_not_a_union) {
    load("user alice\ntopic read a\ntopic read a/+/#\n");
    // a/# matches a and everything under it: only both rules together cover it.
    EXPECT_FALSE(subscribes("alice", "a/#"));
    EXPECT_TRUE(subscribes("alice", "a"));
    EXPECT_TRUE(subscribes("alice", "a/+"));
    EXPECT_TRUE(subscribes("alice", "a/+/#"));
}

TEST_F(acl_subscribe_test, write_rights_do_not_allow_subscribing) {
    load("user alice\ntopic write a/#\ntopic readwrite b/#\n");
    EXPECT_FALSE(subscribes("alice", "a/x"));
    EXPECT_TRUE(subscribes("alice", "b/x"));
}

TEST_F(acl_subscribe_test, a_deny_overlapping_the_filter_refuses_it) {
    load("user alice\n"
         "topic read #\n"
         "topic deny home/secret\n"
         "topic deny vault/+/keys\n");
    EXPECT_FALSE(subscribes("alice", "#"));
    EXPECT_FALSE(subscribes("alice", "home/#"));
    EXPECT_FALSE(subscribes("alice", "home/+"));
    EXPECT_FALSE(subscribes("alice", "+/secret"));
    EXPECT_FALSE(subscribes("alice", "home/secret"));
    EXPECT_FALSE(subscribes("alice", "vault/#"));
    EXPECT_FALSE(subscribes("alice", "vault/a/+"));
    EXPECT_TRUE(subscribes("alice", "home/kitchen/#"));
    EXPECT_TRUE(subscribes("alice", "home/+/temperature"));
    EXPECT_TRUE(subscribes("alice", "vault/a/notes"));
    EXPECT_TRUE(subscribes("alice", "vault/+"));
}

TEST_F(acl_subscribe_test, a_hash_deny_overlaps_its_parent_level) {
    load("user alice\ntopic read #\ntopic deny a/b/#\n");
    // "a/b/#" also matches "a/b", so a subscription to exactly "a/b" is refused.
    EXPECT_FALSE(subscribes("alice", "a/b"));
    EXPECT_FALSE(subscribes("alice", "a/+"));
    EXPECT_TRUE(subscribes("alice", "a/c"));
    EXPECT_FALSE(subscribes("alice", "a/+/c/d"));
}

TEST_F(acl_subscribe_test, dollar_topics_need_a_dollar_rule) {
    load("user alice\n"
         "topic read #\n"
         "topic read $SYS/broker/+\n"
         "topic deny $SYS/broker/secret\n");
    EXPECT_TRUE(subscribes("alice", "#"));
    EXPECT_TRUE(subscribes("alice", "+/x"));
    EXPECT_FALSE(subscribes("alice", "$SYS/#"));
    EXPECT_FALSE(subscribes("alice", "$SYS/broker/+"));
    EXPECT_TRUE(subscribes("alice", "$SYS/broker/load"));
    EXPECT_FALSE(subscribes("alice", "$SYS/broker/secret"));
}

TEST_F(acl_subscribe_test, a_deny_on_dollar_topics_does_not_touch_wildcard_filters) {
    load("user alice\ntopic read #\ntopic deny $SYS/#\n");
    // "#" never matches $SYS names, so it shares nothing with the deny.
    EXPECT_TRUE(subscribes("alice", "#"));
    EXPECT_TRUE(subscribes("alice", "+/broker/#"));
    EXPECT_FALSE(subscribes("alice", "$SYS/broker"));
    EXPECT_FALSE(subscribes("alice", "$share/group/a"));
}

TEST_F(acl_subscribe_test, patterns_cover_filters_after_substitution) {
    load("pattern read users/%u/#\n");
    EXPECT_TRUE(subscribes("alice", "users/alice/#"));
    EXPECT_TRUE(subscribes("alice", "users/alice/+/x"));
    EXPECT_FALSE(subscribes("alice", "users/+/#"));
    EXPECT_FALSE(subscribes("#", "users/#"));
}

} // namespace
} // namespace gantry::security::test
