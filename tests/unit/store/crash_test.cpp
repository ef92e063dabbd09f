#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "gantry/store/message_store.hpp"
#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::body_of;
using testing::small_config;
using testing::temp_dir;
using testing::test_message;

constexpr int appender_count = 16;

// The child: appends under SYNC_FLUSH from many threads and reports each
// append whose completion said "durable" through the pipe, until killed.
[[noreturn]] void append_until_killed(const store_config& config, int report_fd) {
    message_store store(config);
    if (store.start()) ::_exit(3);
    std::vector<std::thread> threads;
    for (int t = 0; t < appender_count; ++t) {
        threads.emplace_back([&, t] {
            for (std::uint32_t i = 0;; ++i) {
                const std::uint32_t id = static_cast<std::uint32_t>(t) << 24 | i;
                const test_message m{"crash", t % 4, std::to_string(id), ""};
                auto r = store.put(m.view());
                if (!r) ::_exit(4);
                std::promise<std::error_code> durable;
                store.when_durable(r->end_offset(), [&](std::error_code ec) { durable.set_value(ec); });
                if (durable.get_future().get()) ::_exit(5);
                if (::write(report_fd, &id, sizeof id) != sizeof id) ::_exit(6);
            }
        });
    }
    for (auto& t : threads) t.join();
    ::_exit(0);
}

TEST(CrashTest, KillNineLosesNoAcknowledgedAppend) {
    temp_dir dir;
    auto config = small_config(dir.path() / "data");
    config.flush_type = flush_disk_type::sync_flush;
    config.commit_log_file_size = 256 * 1024;

    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(fds[0]);
        append_until_killed(config, fds[1]);
    }
    ::close(fds[1]);

    // Let it run until plenty of appends were acknowledged, then kill it
    // mid-append.
    std::set<std::uint32_t> acknowledged;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (acknowledged.size() < 5000 && std::chrono::steady_clock::now() < deadline) {
        std::uint32_t id = 0;
        if (::read(fds[0], &id, sizeof id) != sizeof id) break;
        acknowledged.insert(id);
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child stopped by itself with status " << WEXITSTATUS(status);
    // Acks already in the pipe were acknowledged before the kill, too.
    std::uint32_t id = 0;
    while (::read(fds[0], &id, sizeof id) == sizeof id) acknowledged.insert(id);
    ::close(fds[0]);
    ASSERT_GE(acknowledged.size(), 1000u);

    message_store store(config);
    ASSERT_FALSE(store.start());
    std::set<std::uint32_t> stored;
    for (int q = 0; q < 4; ++q) {
        std::int64_t offset = 0;
        for (;;) {
            auto r = store.get_messages({.topic = "crash", .queue_id = q, .offset = offset, .max_messages = 256,
                                         .max_bytes = 1 << 20});
            if (r.status != get_status::found) break;
            for (const auto& m : r.messages) stored.insert(static_cast<std::uint32_t>(std::stoul(body_of(m.bytes))));
            offset = r.next_begin_offset;
        }
    }
    std::size_t lost = 0;
    for (auto a : acknowledged) lost += stored.count(a) == 0;
    EXPECT_EQ(lost, 0u) << "of " << acknowledged.size() << " acknowledged appends";
}

} // namespace
} // namespace gantry::store
