#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "gantry/security/security_error.hpp"
#include "gantry/security/user_store.hpp"
#include "password_vectors.hpp"
#include "security_test_support.hpp"

namespace gantry::security::test {
namespace {

// Readers on several threads must see either the old or the new table whole
// while another thread reloads: ivan's password is "old" in one and "new" in
// the other, and he is never unknown.
TEST(user_store_threads_test, readers_see_a_whole_table_during_reloads) {
    temp_dir dir;
    const auto old_text = "ivan:" + pbkdf2_entry("old", "salt-one", 10) + "\n";
    const auto new_text = "ivan:" + pbkdf2_entry("new", "salt-two", 10) + "\n";
    const auto file = dir.write("passwd", old_text);
    user_store store;
    ASSERT_FALSE(store.load(file));

    std::atomic<bool> stop{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i) {
        readers.emplace_back([&] {
            while (!stop.load()) {
                for (const char* password : {"old", "new"}) {
                    const auto outcome = store.authenticate("ivan", password);
                    if (!outcome && outcome.error() != security_errc::wrong_password) ++failures;
                }
            }
        });
    }
    for (int round = 0; round < 50; ++round) {
        dir.write("passwd.tmp", round % 2 == 0 ? new_text : old_text);
        std::filesystem::rename(dir.path() / "passwd.tmp", file);
        EXPECT_FALSE(store.reload());
    }
    stop = true;
    for (auto& reader : readers) reader.join();
    EXPECT_EQ(failures.load(), 0);
}

} // namespace
} // namespace gantry::security::test
