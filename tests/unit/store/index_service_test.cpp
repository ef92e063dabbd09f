#include "gantry/store/index_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "gantry/store/index_file.hpp"
#include "gantry/store/message_record.hpp"

namespace gantry::store {
namespace {

using offsets = std::vector<std::int64_t>;

constexpr std::int64_t t0 = 1'700'000'000'000; // a store timestamp, ms
constexpr std::int64_t any_time_begin = 0;
constexpr std::int64_t any_time_end = std::numeric_limits<std::int64_t>::max();

index_request record(std::string_view topic, std::string_view keys, std::string_view unique_key,
                     std::int64_t physical_offset, std::int64_t store_timestamp = t0, std::int32_t flags = 0) {
    return {topic, keys, unique_key, physical_offset, store_timestamp, flags};
}

// Java's String.hashCode() of an ASCII string, written out here so the
// layout test does not trust the code under test.
std::int32_t ascii_java_hash(std::string_view s) {
    std::uint32_t h = 0;
    for (char c : s) h = 31 * h + static_cast<std::uint8_t>(c);
    return static_cast<std::int32_t>(h);
}

// Appends big-endian fields, to write expected bytes straight from the
// layout table in specs §5.4.
struct index_file_bytes {
    std::vector<std::uint8_t> out;
    void be(std::uint64_t v, int n) {
        for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
};

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class IndexServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = std::filesystem::temp_directory_path() /
               ("gantry-index-" + std::string(test->name()) + "-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        config_.root_dir = dir_;
        config_.max_hash_slot_num = 64;
        config_.max_index_num = 100;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::vector<std::filesystem::path> index_files() const {
        std::vector<std::filesystem::path> files;
        if (std::filesystem::exists(config_.index_dir()))
            for (const auto& entry : std::filesystem::directory_iterator(config_.index_dir()))
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        return files;
    }

    offsets query(const index_service& index, std::string_view topic, std::string_view key,
                  std::size_t max_results = 100) {
        return index.query(topic, key, max_results, any_time_begin, any_time_end);
    }

    std::filesystem::path dir_;
    store_config config_;
};

TEST_F(IndexServiceTest, FindsRecordsByUniqueKeyAndEachKeysEntry) {
    index_service index(config_);
    ASSERT_FALSE(index.load());
    EXPECT_EQ(index.end_physical_offset(), 0);
    ASSERT_FALSE(index.build(record("T", "k1 k2", "U1", 100)));
    ASSERT_FALSE(index.build(record("T", "k2", "U2", 200)));
    ASSERT_FALSE(index.build(record("T", "  k3  k4 ", "", 300)));

    EXPECT_EQ(query(index, "T", "U1"), offsets({100}));
    EXPECT_EQ(query(index, "T", "U2"), offsets({200}));
    EXPECT_EQ(query(index, "T", "k1"), offsets({100}));
    EXPECT_EQ(query(index, "T", "k2"), offsets({200, 100}));
    EXPECT_EQ(query(index, "T", "k2", 1), offsets({200}));
    EXPECT_EQ(query(index, "T", "k3"), offsets({300}));
    EXPECT_EQ(query(index, "T", "k4"), offsets({300}));
    EXPECT_TRUE(query(index, "T", "").empty());
    EXPECT_TRUE(query(index, "T", "k5").empty());
    EXPECT_TRUE(query(index, "T", "k2", 0).empty());
    // The index does not know record sizes: every indexed record starts
    // below this.
    EXPECT_EQ(index.end_physical_offset(), 301);
}

TEST_F(IndexServiceTest, IndexesAKeyRepeatedInOneRecordOnce) {
    index_service index(config_);
    ASSERT_FALSE(index.build(record("T", "k1 k1", "k1", 100)));
    EXPECT_EQ(query(index, "T", "k1"), offsets({100}));
}

TEST_F(IndexServiceTest, KeysAreScopedByTopic) {
    index_service index(config_);
    ASSERT_FALSE(index.build(record("A", "k", "", 100)));
    ASSERT_FALSE(index.build(record("B", "other", "", 200)));
    EXPECT_EQ(query(index, "A", "k"), offsets({100}));
    EXPECT_TRUE(query(index, "B", "k").empty());
}

TEST_F(IndexServiceTest, FiltersByStoreTimeWindow) {
    index_service index(config_);
    ASSERT_FALSE(index.build(record("T", "k", "", 100, t0)));
    ASSERT_FALSE(index.build(record("T", "k", "", 200, t0 + 10'000)));
    ASSERT_FALSE(index.build(record("T", "k", "", 300, t0 + 20'000)));

    EXPECT_EQ(index.query("T", "k", 10, t0, t0 + 20'000), offsets({300, 200, 100}));
    EXPECT_EQ(index.query("T", "k", 10, t0 + 5'000, t0 + 15'000), offsets({200}));
    EXPECT_EQ(index.query("T", "k", 10, t0 + 10'000, t0 + 10'000), offsets({200}));
    EXPECT_EQ(index.query("T", "k", 10, t0 + 10'000, any_time_end), offsets({300, 200}));
    EXPECT_TRUE(index.query("T", "k", 10, 0, t0 - 1).empty());
    EXPECT_TRUE(index.query("T", "k", 10, t0 + 20'001, any_time_end).empty());
}

TEST_F(IndexServiceTest, SkipsRollbackRecordsOnly) {
    index_service index(config_);
    ASSERT_FALSE(index.build(record("T", "rolled", "", 100, t0, sys_flag::transaction_rollback)));
    ASSERT_FALSE(index.build(record("T", "prepared", "", 200, t0, sys_flag::transaction_prepared)));
    ASSERT_FALSE(index.build(record("T", "committed", "", 300, t0, sys_flag::transaction_commit)));
    EXPECT_TRUE(query(index, "T", "rolled").empty());
    EXPECT_EQ(query(index, "T", "prepared"), offsets({200}));
    EXPECT_EQ(query(index, "T", "committed"), offsets({300}));
}

TEST_F(IndexServiceTest, ReplayedRecordsAreNotIndexedTwice) {
    index_service index(config_);
    for (std::int64_t offset : {0, 100, 200}) ASSERT_FALSE(index.build(record("T", "k", "", offset)));
    EXPECT_EQ(index.end_physical_offset(), 201);
    // Recovery replays the log from an earlier offset.
    for (std::int64_t offset : {0, 100, 200}) ASSERT_FALSE(index.build(record("T", "k", "", offset)));
    EXPECT_EQ(query(index, "T", "k"), offsets({200, 100, 0}));
    ASSERT_FALSE(index.build(record("T", "k", "", 300)));
    EXPECT_EQ(query(index, "T", "k"), offsets({300, 200, 100, 0}));
}

TEST_F(IndexServiceTest, RollsOverToANewFileWhenFullAndQueriesAllNewestFirst) {
    config_.max_index_num = 4; // entry 0 is unused: 3 entries per file
    index_service index(config_);
    offsets expected;
    for (std::int64_t i = 0; i < 10; ++i) {
        ASSERT_FALSE(index.build(record("T", "k", "", i * 100, t0 + i * 1000)));
        expected.insert(expected.begin(), i * 100);
    }
    const auto files = index_files();
    ASSERT_EQ(files.size(), 4u);
    for (const auto& file : files) {
        EXPECT_EQ(file.filename().string().size(), 17u);
        EXPECT_EQ(std::filesystem::file_size(file), static_cast<std::uintmax_t>(40 + 64 * 4 + 4 * 20));
    }
    EXPECT_EQ(query(index, "T", "k"), expected);
    EXPECT_EQ(query(index, "T", "k", 5), offsets(expected.begin(), expected.begin() + 5));
    // A window inside the second file only.
    EXPECT_EQ(index.query("T", "k", 10, t0 + 3000, t0 + 5000), offsets({500, 400, 300}));
    EXPECT_EQ(index.end_physical_offset(), 901);
}

TEST_F(IndexServiceTest, SpreadsTheKeysOfOneRecordOverFilesWhenOneFills) {
    config_.max_index_num = 3; // 2 entries per file
    index_service index(config_);
    ASSERT_FALSE(index.build(record("T", "a b c", "", 0)));
    EXPECT_EQ(index_files().size(), 2u);
    for (const auto* key : {"a", "b", "c"}) EXPECT_EQ(query(index, "T", key), offsets({0})) << key;
    ASSERT_FALSE(index.build(record("T", "a b c", "", 0)));
    EXPECT_EQ(query(index, "T", "c"), offsets({0}));
}

TEST_F(IndexServiceTest, ReloadsEverythingFromDisk) {
    config_.max_index_num = 4;
    {
        index_service index(config_);
        ASSERT_FALSE(index.load());
        for (std::int64_t i = 0; i < 5; ++i)
            ASSERT_FALSE(index.build(record("T", "k", "U" + std::to_string(i), i * 100, t0 + i * 1000)));
        ASSERT_FALSE(index.flush());
    }
    ASSERT_EQ(index_files().size(), 4u); // 10 entries, 3 per file

    index_service index(config_);
    ASSERT_FALSE(index.load());
    EXPECT_EQ(query(index, "T", "k"), offsets({400, 300, 200, 100, 0}));
    EXPECT_EQ(query(index, "T", "U2"), offsets({200}));
    EXPECT_EQ(index.end_physical_offset(), 401);
    EXPECT_EQ(index.query("T", "k", 10, t0 + 1000, t0 + 3000), offsets({300, 200, 100}));

    // The newest file has room for two more entries: no new file until then.
    ASSERT_FALSE(index.build(record("T", "k", "", 500, t0 + 5000)));
    ASSERT_FALSE(index.build(record("T", "k", "", 600, t0 + 6000)));
    EXPECT_EQ(index_files().size(), 4u);
    ASSERT_FALSE(index.build(record("T", "k", "", 700, t0 + 7000)));
    EXPECT_EQ(index_files().size(), 5u);
    EXPECT_EQ(query(index, "T", "k"), offsets({700, 600, 500, 400, 300, 200, 100, 0}));
}

TEST_F(IndexServiceTest, RefusesFilesOfAnotherGeometry) {
    {
        index_service index(config_);
        ASSERT_FALSE(index.build(record("T", "k", "", 0)));
    }
    config_.max_hash_slot_num = 128;
    index_service index(config_);
    EXPECT_TRUE(index.load());
}

TEST_F(IndexServiceTest, RemovesFilesBelowTheCommitLogMinimumButNeverTheNewest) {
    config_.max_index_num = 4;
    index_service index(config_);
    for (std::int64_t i = 0; i < 9; ++i) ASSERT_FALSE(index.build(record("T", "k", "", i * 100)));
    ASSERT_EQ(index_files().size(), 3u); // last offsets 200, 500, 800

    index.remove_below(500); // the record at 500 is still in the log
    EXPECT_EQ(index_files().size(), 2u);
    EXPECT_EQ(query(index, "T", "k"), offsets({800, 700, 600, 500, 400, 300}));

    index.remove_below(501);
    EXPECT_EQ(index_files().size(), 1u);
    index.remove_below(1'000'000);
    EXPECT_EQ(index_files().size(), 1u);
    EXPECT_EQ(query(index, "T", "k"), offsets({800, 700, 600}));
    EXPECT_EQ(index.end_physical_offset(), 801);

    index.remove_all();
    EXPECT_TRUE(index_files().empty());
    EXPECT_TRUE(query(index, "T", "k").empty());
    EXPECT_EQ(index.end_physical_offset(), 0);
    // Rebuilt from the commit log.
    ASSERT_FALSE(index.build(record("T", "k", "", 0)));
    EXPECT_EQ(query(index, "T", "k"), offsets({0}));
}

TEST_F(IndexServiceTest, ChainsKeysSharingABucketNewestFirst) {
    config_.max_hash_slot_num = 1;
    index_service index(config_);
    ASSERT_FALSE(index.build(record("T", "a", "", 0)));
    ASSERT_FALSE(index.build(record("T", "b", "", 100)));
    ASSERT_FALSE(index.build(record("T", "a", "", 200)));
    ASSERT_FALSE(index.build(record("T", "b", "", 300)));
    EXPECT_EQ(query(index, "T", "a"), offsets({200, 0}));
    EXPECT_EQ(query(index, "T", "b"), offsets({300, 100}));
    EXPECT_TRUE(query(index, "T", "c").empty());
}

TEST_F(IndexServiceTest, ReturnsBothKeysOfAFullHashCollision) {
    // "Aa" and "BB" have the same Java hash: the index cannot tell them
    // apart, the caller re-checks the key on the record.
    ASSERT_EQ(index_file::key_hash("T", "Aa"), index_file::key_hash("T", "BB"));
    index_service index(config_);
    ASSERT_FALSE(index.build(record("T", "Aa", "", 0)));
    ASSERT_FALSE(index.build(record("T", "BB", "", 100)));
    EXPECT_EQ(query(index, "T", "Aa"), offsets({100, 0}));
    EXPECT_EQ(query(index, "T", "BB"), offsets({100, 0}));
}

TEST_F(IndexServiceTest, WritesTheRocketMqLayoutByteForByte) {
    const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    index_service index(config_);
    const std::int64_t first = 0x0102030405060708;
    const std::int64_t second = 0x1112131415161718;
    ASSERT_FALSE(index.build(record("T", "k1", "", first, t0)));
    ASSERT_FALSE(index.build(record("T", "k1", "", second, t0 + 3'999)));
    ASSERT_FALSE(index.flush());
    const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();

    const auto files = index_files();
    ASSERT_EQ(files.size(), 1u);
    const std::string name = files[0].filename().string();
    EXPECT_GE(name, index_file::file_name(before));
    EXPECT_LE(name, index_file::file_name(after));
    const auto bytes = read_file(files[0]);
    ASSERT_EQ(bytes.size(), 40u + 64 * 4 + 100 * 20);

    index_file_bytes header;
    header.be(static_cast<std::uint64_t>(t0), 8);          // beginTimestamp
    header.be(static_cast<std::uint64_t>(t0 + 3'999), 8);  // endTimestamp
    header.be(static_cast<std::uint64_t>(first), 8);       // beginPhyOffset
    header.be(static_cast<std::uint64_t>(second), 8);      // endPhyOffset
    header.be(1, 4);                                       // hashSlotCount: buckets in use
    header.be(3, 4);                                       // indexCount: next entry
    EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 40), header.out);

    const std::int32_t hash = std::abs(ascii_java_hash("T#k1"));
    const std::size_t slot_at = 40 + static_cast<std::size_t>(hash % 64) * 4;
    index_file_bytes slot;
    slot.be(2, 4); // the newest entry of the bucket
    EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin() + slot_at, bytes.begin() + slot_at + 4), slot.out);

    const std::size_t entry_at = 40 + 64 * 4 + 2 * 20;
    index_file_bytes entry;
    entry.be(static_cast<std::uint32_t>(hash), 4);
    entry.be(static_cast<std::uint64_t>(second), 8);
    entry.be(3, 4); // whole seconds after beginTimestamp
    entry.be(1, 4); // previous entry of the bucket
    EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin() + entry_at, bytes.begin() + entry_at + 20), entry.out);

    // Entry 0 is never written; nothing follows the last entry.
    EXPECT_TRUE(std::all_of(bytes.begin() + 40 + 64 * 4, bytes.begin() + 40 + 64 * 4 + 20,
                            [](std::uint8_t b) { return b == 0; }));
    EXPECT_TRUE(std::all_of(bytes.begin() + entry_at + 20, bytes.end(), [](std::uint8_t b) { return b == 0; }));
}

TEST(IndexFile, KeyHashIsTheAbsoluteJavaHashOfTopicAndKey) {
    EXPECT_EQ(index_file::key_hash("T", "k1"), std::abs(ascii_java_hash("T#k1")));
    ASSERT_LT(ascii_java_hash("TopicTest#order-7"), 0);
    EXPECT_EQ(index_file::key_hash("TopicTest", "order-7"), -ascii_java_hash("TopicTest#order-7"));
    // Math.abs(Integer.MIN_VALUE) stays negative in Java; RocketMQ uses 0.
    ASSERT_EQ(ascii_java_hash("Topic#bqbkgej"), std::numeric_limits<std::int32_t>::min());
    EXPECT_EQ(index_file::key_hash("Topic", "bqbkgej"), 0);
}

TEST(IndexFile, NamesAreLocalCreationTimesToTheMillisecond) {
    // 2023-11-14T22:13:20.123Z, printed in local time.
    const std::int64_t ms = 1'700'000'000'123;
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm local{};
    ::localtime_r(&seconds, &local);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y%m%d%H%M%S123", &local);
    EXPECT_EQ(index_file::file_name(ms), expected);
}

TEST_F(IndexServiceTest, NamesFollowThePreviousFileWhenTheClockHasNotMovedPastIt) {
    std::filesystem::create_directories(config_.index_dir());
    // Name order must stay creation order, even across a calendar carry.
    auto file = index_file::create(config_.index_dir(), "20991231235959999", 64, 100);
    ASSERT_TRUE(file);
    EXPECT_EQ((*file)->name(), "21000101000000000");
    file = index_file::create(config_.index_dir(), "21000101000000000", 64, 100);
    ASSERT_TRUE(file);
    EXPECT_EQ((*file)->name(), "21000101000000001");
}

TEST_F(IndexServiceTest, QueriesRunningBesideTheWriterSeeOnlyWholeEntries) {
    config_.max_index_num = 50;
    config_.max_hash_slot_num = 4;
    index_service index(config_);
    constexpr std::int64_t records = 2000;
    std::atomic<bool> done{false};
    std::atomic<int> bad{0};
    auto reader = [&] {
        while (!done.load()) {
            const auto found = index.query("T", "k", 100, any_time_begin, any_time_end);
            for (std::size_t i = 0; i < found.size(); ++i) {
                const bool valid = found[i] % 100 == 0 && found[i] < records * 100;
                const bool descending = i == 0 || found[i] < found[i - 1];
                if (!valid || !descending) bad.fetch_add(1);
            }
        }
    };
    std::thread r1(reader), r2(reader);
    for (std::int64_t i = 0; i < records; ++i)
        EXPECT_FALSE(index.build(record("T", i % 3 == 0 ? "k" : "other", "", i * 100, t0 + i)));
    done.store(true);
    r1.join();
    r2.join();
    EXPECT_EQ(bad.load(), 0);
}

} // namespace
} // namespace gantry::store
