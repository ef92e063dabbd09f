#include <cstdlib>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include "gantry/security/security_error.hpp"
#include "gantry/security/user_store.hpp"
#include "security_test_support.hpp"

namespace gantry::security::test {
namespace {

// The tool comes with Debian's `mosquitto` package (scripts/install-deps).
std::filesystem::path find_mosquitto_passwd() {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        const auto candidate = std::filesystem::path(dirs.substr(0, colon)) / "mosquitto_passwd";
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
        dirs.remove_prefix(colon == std::string_view::npos ? dirs.size() : colon + 1);
    }
    return {};
}

int run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

std::string quoted(const std::string& text) { return "'" + text + "'"; }

TEST(mosquitto_passwd_test, files_written_by_the_real_tool_verify) {
    const auto tool = find_mosquitto_passwd();
    ASSERT_FALSE(tool.empty()) << "mosquitto_passwd is not on PATH: install Debian's mosquitto package "
                                  "(scripts/install-deps does)";
    temp_dir dir;
    const auto file = (dir.path() / "passwd").string();
    ASSERT_EQ(run(quoted(tool) + " -c -b " + quoted(file) + " judy 'open sesame'"), 0);
    ASSERT_EQ(run(quoted(tool) + " -b " + quoted(file) + " mallory 'p@ss:w0rd$'"), 0);
    ASSERT_EQ(run(quoted(tool) + " -H sha512 -b " + quoted(file) + " oscar legacy"), 0);

    user_store store;
    const auto error = store.load(file);
    ASSERT_FALSE(error) << error->message;
    EXPECT_EQ(store.user_count(), 3u);
    EXPECT_TRUE(store.authenticate("judy", "open sesame"));
    EXPECT_TRUE(store.authenticate("mallory", "p@ss:w0rd$"));
    EXPECT_TRUE(store.authenticate("oscar", "legacy"));
    EXPECT_EQ(store.authenticate("judy", "open sesame ").error(), security_errc::wrong_password);
    EXPECT_EQ(store.authenticate("oscar", "Legacy").error(), security_errc::wrong_password);
    EXPECT_EQ(store.authenticate("trent", "open sesame").error(), security_errc::unknown_user);
}

} // namespace
} // namespace gantry::security::test
