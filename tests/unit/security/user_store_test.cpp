#include <gtest/gtest.h>

#include "gantry/security/security_error.hpp"
#include "gantry/security/user_store.hpp"
#include "password_vectors.hpp"
#include "security_test_support.hpp"

namespace gantry::security::test {
namespace {

// Written by mosquitto_passwd 2.0.11 (-H sha512-pbkdf2, then -H sha512).
constexpr std::string_view mosquitto_file =
    "alice:$7$101$3jaTthMBZ7HI5cvh$7uMAcVSfZh7vWi3/RxSktTC29mg3dwnr5fIdUx8N1X9xK5ItaxL9x+UV+U0CfcONiwSjOj06ax2x6iDbc"
    "cibUw==\n"
    "bob:$6$QZdtWaloKFpv1BJs$0kVqw2a4s7lFAsm3fI73VDmXid0++uk0W9WnuLMjjhBgRxBsZ9SDRdXBjWq3CaEvgG1AjXfr8yYKNYMEQFR63g"
    "==\n";

std::error_code auth_error(const user_store& store, std::string_view user, std::string_view password) {
    return store.authenticate(user, password).error();
}

TEST(user_store_test, verifies_pbkdf2_entries_computed_with_openssl) {
    temp_dir dir;
    const auto file = dir.write("passwd", "carol:" + pbkdf2_entry("correct horse", "0123456789ab", 1000) + "\n");
    user_store store;
    ASSERT_FALSE(store.load(file));

    const auto accepted = store.authenticate("carol", "correct horse");
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->username, "carol");
    EXPECT_FALSE(accepted->anonymous());
    EXPECT_EQ(auth_error(store, "carol", "correct horsE"), security_errc::wrong_password);
    EXPECT_EQ(auth_error(store, "carol", ""), security_errc::wrong_password);
    EXPECT_EQ(auth_error(store, "dave", "correct horse"), security_errc::unknown_user);
}

TEST(user_store_test, verifies_sha512_entries_computed_with_openssl) {
    temp_dir dir;
    const auto file = dir.write("passwd", "erin:" + sha512_entry("pa:ss$word", "saltsaltsalt") + "\n");
    user_store store;
    ASSERT_FALSE(store.load(file));

    EXPECT_TRUE(store.authenticate("erin", "pa:ss$word"));
    EXPECT_EQ(auth_error(store, "erin", "pa:ss$wor"), security_errc::wrong_password);
}

TEST(user_store_test, verifies_entries_written_by_mosquitto_passwd) {
    temp_dir dir;
    user_store store;
    ASSERT_FALSE(store.load(dir.write("passwd", mosquitto_file)));

    EXPECT_EQ(store.user_count(), 2u);
    EXPECT_TRUE(store.authenticate("alice", "s3cret"));
    EXPECT_TRUE(store.authenticate("bob", "hunter2"));
    EXPECT_EQ(auth_error(store, "alice", "hunter2"), security_errc::wrong_password);
    EXPECT_EQ(auth_error(store, "bob", "s3cret"), security_errc::wrong_password);
    EXPECT_EQ(auth_error(store, "Alice", "s3cret"), security_errc::unknown_user);
}

TEST(user_store_test, skips_comments_blank_lines_and_carriage_returns) {
    temp_dir dir;
    const auto file = dir.write("passwd", "# users\r\n\r\n   \nfrank:" + sha512_entry("pw", "s") + "\r\n");
    user_store store;
    ASSERT_FALSE(store.load(file));
    EXPECT_TRUE(store.authenticate("frank", "pw"));
}

TEST(user_store_test, accepts_base64_without_padding) {
    temp_dir dir;
    auto entry = sha512_entry("pw", "salt5");
    ASSERT_EQ(entry.substr(entry.size() - 2), "==");
    entry.resize(entry.size() - 2);
    user_store store;
    ASSERT_FALSE(store.load(dir.write("passwd", "kim:" + entry + "\n")));
    EXPECT_TRUE(store.authenticate("kim", "pw"));
}

TEST(user_store_test, anonymous_clients_follow_the_policy) {
    temp_dir dir;
    user_store store(false);
    ASSERT_FALSE(store.load(dir.write("passwd", mosquitto_file)));
    EXPECT_EQ(store.authenticate(std::nullopt, "").error(), security_errc::anonymous_not_allowed);

    store.set_allow_anonymous(true);
    const auto anonymous = store.authenticate(std::nullopt, "");
    ASSERT_TRUE(anonymous);
    EXPECT_TRUE(anonymous->anonymous());
    // A named client still has to prove its name when anonymous ones are allowed.
    EXPECT_EQ(auth_error(store, "alice", "wrong"), security_errc::wrong_password);
}

TEST(user_store_test, without_a_password_file_a_username_is_not_trusted) {
    user_store open(true);
    const auto admitted = open.authenticate("admin", "anything");
    ASSERT_TRUE(admitted);
    EXPECT_TRUE(admitted->anonymous());

    user_store closed(false);
    EXPECT_FALSE(closed.has_password_file());
    EXPECT_EQ(auth_error(closed, "admin", "anything"), security_errc::anonymous_not_allowed);
    EXPECT_EQ(closed.authenticate(std::nullopt, "").error(), security_errc::anonymous_not_allowed);
}

struct malformed_case {
    std::string line;
    security_errc code;
    std::string reason;
};

class user_store_malformed_test : public ::testing::TestWithParam<malformed_case> {};

TEST_P(user_store_malformed_test, names_the_file_and_line) {
    temp_dir dir;
    const auto file = dir.write("passwd", "# header\nalice:" + sha512_entry("a", "b") + "\n" + GetParam().line + "\n");
    user_store store;
    const auto error = store.load(file);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, GetParam().code);
    EXPECT_EQ(error->message, "password file " + file.string() + " line 3: " + GetParam().reason);
    EXPECT_FALSE(store.has_password_file());
}

const std::string good_salt = "MTIzNDU2Nzg5MDEy";
const std::string good_hash = std::string(86, 'A') + "==";

INSTANTIATE_TEST_SUITE_P(
    lines, user_store_malformed_test,
    ::testing::Values(
        malformed_case{"no colon here", security_errc::malformed_password_line,
                       "expected user:$7$iterations$salt$hash"},
        malformed_case{":$6$" + good_salt + "$" + good_hash, security_errc::malformed_password_line,
                       "expected user:$7$iterations$salt$hash"},
        malformed_case{"bob:plaintext", security_errc::malformed_password_line,
                       "the password is not hashed (run mosquitto_passwd -U on the file)"},
        malformed_case{"bob:$7$101$" + good_salt, security_errc::malformed_password_line,
                       "expected user:$7$iterations$salt$hash"},
        malformed_case{"bob:$7$0$" + good_salt + "$" + good_hash, security_errc::malformed_password_line,
                       "the iteration count of a $7$ entry must be a number from 1 to 2147483647"},
        malformed_case{"bob:$7$99999999999$" + good_salt + "$" + good_hash, security_errc::malformed_password_line,
                       "the iteration count of a $7$ entry must be a number from 1 to 2147483647"},
        malformed_case{"bob:$6$" + good_salt, security_errc::malformed_password_line, "expected user:$6$salt$hash"},
        malformed_case{"bob:$6$no*base64$" + good_hash, security_errc::malformed_password_line,
                       "the salt is not valid base64"},
        malformed_case{"bob:$6$" + good_salt + "$QUJD", security_errc::malformed_password_line,
                       "the hash is not 64 bytes of base64 (a SHA-512 digest)"},
        malformed_case{"bob:$5$" + good_salt + "$" + good_hash, security_errc::unsupported_hash,
                       "hash type $5$ is not supported; use mosquitto_passwd's sha512-pbkdf2 ($7$) or sha512 ($6$) "
                       "hashes"},
        malformed_case{"bob:$argon2id$v=19$m=65536$c2FsdA$aGFzaA", security_errc::unsupported_hash,
                       "hash type $argon2id$ is not supported; use mosquitto_passwd's sha512-pbkdf2 ($7$) or sha512 "
                       "($6$) hashes"},
        malformed_case{"alice:$6$" + good_salt + "$" + good_hash, security_errc::duplicate_user,
                       "user alice is already defined on line 2"}));

TEST(user_store_test, a_missing_file_is_named) {
    temp_dir dir;
    user_store store;
    const auto error = store.load(dir.path() / "absent");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, security_errc::file_unreadable);
    EXPECT_NE(error->message.find("password file " + (dir.path() / "absent").string() + " cannot be read"),
              std::string::npos)
        << error->message;
}

TEST(user_store_test, reload_keeps_the_old_table_when_the_new_file_is_bad) {
    temp_dir dir;
    const auto file = dir.write("passwd", "grace:" + sha512_entry("one", "salt") + "\n");
    user_store store;
    ASSERT_FALSE(store.load(file));

    dir.write("passwd", "grace:" + sha512_entry("two", "salt") + "\nbroken line\n");
    const auto error = store.reload();
    ASSERT_TRUE(error);
    EXPECT_EQ(error->message, "password file " + file.string() + " line 2: expected user:$7$iterations$salt$hash");
    EXPECT_TRUE(store.authenticate("grace", "one"));

    std::filesystem::remove(file);
    EXPECT_TRUE(store.reload());
    EXPECT_TRUE(store.authenticate("grace", "one"));

    dir.write("passwd", "grace:" + sha512_entry("two", "salt") + "\nheidi:" + sha512_entry("h", "salt") + "\n");
    EXPECT_FALSE(store.reload());
    EXPECT_EQ(auth_error(store, "grace", "one"), security_errc::wrong_password);
    EXPECT_TRUE(store.authenticate("grace", "two"));
    EXPECT_TRUE(store.authenticate("heidi", "h"));
}

TEST(user_store_test, reload_without_a_file_is_a_no_op) {
    user_store store(true);
    EXPECT_FALSE(store.reload());
    EXPECT_FALSE(store.has_password_file());
}

} // namespace
} // namespace gantry::security::test
