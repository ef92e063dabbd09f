#include "acl_test_support.hpp"
#include "gantry/security/security_error.hpp"

namespace gantry::security::test {
namespace {

using std::nullopt;

using acl_test = acl_fixture;

TEST_F(acl_test, without_a_file_everything_is_allowed) {
    EXPECT_FALSE(rules.has_acl_file());
    EXPECT_TRUE(reads(nullopt, "$SYS/broker/load"));
    EXPECT_TRUE(writes("anyone", "a/b"));
    EXPECT_TRUE(subscribes(nullopt, "#"));
}

TEST_F(acl_test, with_a_file_what_no_rule_grants_is_denied) {
    load("# nothing granted\n");
    EXPECT_TRUE(rules.has_acl_file());
    EXPECT_FALSE(reads(nullopt, "a"));
    EXPECT_FALSE(writes("alice", "a"));
    EXPECT_FALSE(subscribes("alice", "a"));
}

TEST_F(acl_test, user_sections_apply_to_that_user_only) {
    load("user alice\n"
         "topic readwrite alice/data\n"
         "topic read news\n"
         "topic write inbox\n"
         "user bob\n"
         "topic bob/data\n");
    EXPECT_TRUE(reads("alice", "alice/data"));
    EXPECT_TRUE(writes("alice", "alice/data"));
    EXPECT_TRUE(reads("alice", "news"));
    EXPECT_FALSE(writes("alice", "news"));
    EXPECT_TRUE(writes("alice", "inbox"));
    EXPECT_FALSE(reads("alice", "inbox"));
    EXPECT_FALSE(subscribes("alice", "inbox"));
    EXPECT_FALSE(reads("alice", "bob/data"));
    // No right word means readwrite.
    EXPECT_TRUE(reads("bob", "bob/data"));
    EXPECT_TRUE(writes("bob", "bob/data"));
    EXPECT_FALSE(reads("carol", "alice/data"));
    EXPECT_FALSE(reads(nullopt, "alice/data"));
}

TEST_F(acl_test, rules_before_the_first_user_line_are_for_anonymous_clients) {
    load("topic read public/#\n"
         "user alice\n"
         "topic read alice/#\n");
    EXPECT_TRUE(reads(nullopt, "public/info"));
    EXPECT_FALSE(writes(nullopt, "public/info"));
    EXPECT_FALSE(reads(nullopt, "alice/x"));
    EXPECT_FALSE(reads("alice", "public/info"));
    EXPECT_TRUE(reads("alice", "alice/x"));
}

TEST_F(acl_test, sections_of_the_same_user_are_merged) {
    load("user alice\ntopic read a\nuser bob\ntopic read b\nuser alice\ntopic read c\n");
    EXPECT_TRUE(reads("alice", "a"));
    EXPECT_TRUE(reads("alice", "c"));
    EXPECT_FALSE(reads("alice", "b"));
}

TEST_F(acl_test, patterns_substitute_username_and_client_id_for_every_client) {
    load("user alice\n"
         "pattern readwrite users/%u/#\n"
         "pattern write devices/%c/status\n"
         "pattern read shared/%u-%c\n");
    EXPECT_TRUE(writes("alice", "users/alice/x"));
    EXPECT_TRUE(writes("bob", "users/bob/x"));
    EXPECT_FALSE(writes("bob", "users/alice/x"));
    EXPECT_TRUE(writes("bob", "devices/dev-7/status", "dev-7"));
    EXPECT_FALSE(writes("bob", "devices/dev-8/status", "dev-7"));
    EXPECT_TRUE(reads("bob", "shared/bob-dev-7", "dev-7"));
    // An anonymous client has no %u: those patterns skip it, %c ones do not.
    EXPECT_FALSE(writes(nullopt, "users//x"));
    EXPECT_TRUE(writes(nullopt, "devices/dev-7/status", "dev-7"));
}

TEST_F(acl_test, deny_wins_over_any_grant) {
    load("user alice\n"
         "topic readwrite home/#\n"
         "topic deny home/secret\n"
         "pattern deny home/%c/locked\n");
    EXPECT_TRUE(reads("alice", "home/kitchen"));
    EXPECT_FALSE(reads("alice", "home/secret"));
    EXPECT_FALSE(writes("alice", "home/secret"));
    EXPECT_TRUE(writes("alice", "home/secret/not-this-one"));
    EXPECT_FALSE(writes("alice", "home/c1/locked", "c1"));
    EXPECT_TRUE(writes("alice", "home/c2/locked", "c1"));
}

TEST_F(acl_test, wildcards_in_rules_match_like_subscriptions) {
    load("user alice\n"
         "topic read sensors/+/temperature\n"
         "topic write logs/#\n");
    EXPECT_TRUE(reads("alice", "sensors/kitchen/temperature"));
    EXPECT_TRUE(reads("alice", "sensors//temperature"));
    EXPECT_FALSE(reads("alice", "sensors/kitchen/humidity"));
    EXPECT_FALSE(reads("alice", "sensors/a/b/temperature"));
    EXPECT_TRUE(writes("alice", "logs"));
    EXPECT_TRUE(writes("alice", "logs/app/1"));
    EXPECT_FALSE(writes("alice", "logsx"));
}

TEST_F(acl_test, dollar_topics_are_not_matched_by_a_first_level_wildcard) {
    load("user alice\ntopic read #\ntopic read +/broker/uptime\n"
         "user admin\ntopic read $SYS/#\n");
    EXPECT_TRUE(reads("alice", "a/b"));
    EXPECT_FALSE(reads("alice", "$SYS/broker/load"));
    EXPECT_FALSE(reads("alice", "$SYS/broker/uptime"));
    EXPECT_FALSE(subscribes("alice", "$SYS/#"));
    EXPECT_TRUE(reads("admin", "$SYS/broker/load"));
    EXPECT_TRUE(subscribes("admin", "$SYS/broker/+"));
    EXPECT_FALSE(reads("admin", "a/b"));
}

TEST_F(acl_test, names_with_wildcards_are_refused_for_read_and_write) {
    load("user alice\ntopic readwrite #\n");
    EXPECT_FALSE(writes("alice", "a/+"));
    EXPECT_FALSE(writes("alice", "a/#"));
    EXPECT_FALSE(reads("alice", ""));
    EXPECT_FALSE(subscribes("alice", ""));
    EXPECT_FALSE(subscribes("alice", "a/#/b"));
    EXPECT_FALSE(subscribes("alice", "a/b+"));
}

TEST_F(acl_test, hostile_usernames_and_client_ids_never_widen_a_pattern) {
    load("pattern readwrite users/%u/#\n"
         "pattern readwrite clients/%c\n"
         "pattern readwrite %c/inbox\n");
    EXPECT_FALSE(reads("#", "users/alice/x"));
    EXPECT_FALSE(subscribes("#", "users/#"));
    EXPECT_FALSE(reads("+", "users/alice/x"));
    EXPECT_FALSE(reads("a/b", "users/a/b/x"));
    EXPECT_FALSE(reads("a+b", "users/a+b/x"));
    EXPECT_FALSE(subscribes("x", "clients/+", "+"));
    EXPECT_FALSE(reads("x", "clients/other", "#"));
    EXPECT_FALSE(reads("x", "clients/a/b", "a/b"));
    EXPECT_FALSE(reads("", "users//x"));
    // A client id of "$SYS" must not turn "%c/inbox" into "$SYS/inbox".
    EXPECT_FALSE(writes("x", "$SYS/inbox", "$SYS"));
    EXPECT_TRUE(writes("x", "c1/inbox", "c1"));
    EXPECT_TRUE(writes("x", "clients/a$b", "a$b"));
}

TEST_F(acl_test, a_topic_may_contain_spaces_after_an_explicit_right) {
    load("user alice\ntopic read my topic/with spaces\ntopic deny\n");
    EXPECT_TRUE(reads("alice", "my topic/with spaces"));
    EXPECT_FALSE(writes("alice", "my topic/with spaces"));
    // A lone right word is the topic itself, read and write.
    EXPECT_TRUE(writes("alice", "deny"));
}

struct malformed_acl_case {
    std::string line;
    std::string reason;
};

class acl_malformed_test : public ::testing::TestWithParam<malformed_acl_case> {};

TEST_P(acl_malformed_test, names_the_file_and_line) {
    temp_dir dir;
    const auto file = dir.write("acl", "# header\n\n" + GetParam().line + "\n");
    acl rules;
    const auto error = rules.load(file);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, security_errc::malformed_acl_line);
    EXPECT_EQ(error->message, "ACL file " + file.string() + " line 3: " + GetParam().reason);
    EXPECT_FALSE(rules.has_acl_file());
}

INSTANTIATE_TEST_SUITE_P(
    lines, acl_malformed_test,
    ::testing::Values(
        malformed_acl_case{"user", "expected user <username>"},
        malformed_acl_case{"topic", "expected topic [read|write|readwrite|deny] <topic>"},
        malformed_acl_case{"pattern  ", "expected pattern [read|write|readwrite|deny] <topic>"},
        malformed_acl_case{"allow read a/b", "unknown keyword 'allow' (expected user, topic or pattern)"},
        malformed_acl_case{"topic read a/b#",
                       "'a/b#' is not a valid topic: + and # must fill a whole level, # only the last"},
        malformed_acl_case{"pattern write a/#/%u",
                       "'a/#/%u' is not a valid topic: + and # must fill a whole level, # only the last"}));

TEST_F(acl_test, a_missing_file_is_named) {
    const auto error = rules.load(dir.path() / "absent");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, security_errc::file_unreadable);
    EXPECT_EQ(error->message.rfind("ACL file " + (dir.path() / "absent").string() + " cannot be read: ", 0), 0u)
        << error->message;
    EXPECT_FALSE(rules.has_acl_file());
}

TEST_F(acl_test, reload_keeps_the_old_rules_when_the_new_file_is_bad) {
    load("user alice\ntopic read a\n");
    dir.write("acl", "user alice\ntopic read b\nbogus\n");
    const auto error = rules.reload();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->message, "ACL file " + (dir.path() / "acl").string() +
                                  " line 3: unknown keyword 'bogus' (expected user, topic or pattern)");
    EXPECT_TRUE(reads("alice", "a"));
    EXPECT_FALSE(reads("alice", "b"));

    dir.write("acl", "user alice\ntopic read b\n");
    EXPECT_FALSE(rules.reload());
    EXPECT_FALSE(reads("alice", "a"));
    EXPECT_TRUE(reads("alice", "b"));
}

} // namespace
} // namespace gantry::security::test
