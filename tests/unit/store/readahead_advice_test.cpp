// The file being appended to, and every index file, is mapped without
// readahead (a fault on unwritten blocks would otherwise zero a whole
// readahead window in the writing thread); a full segment is advised for
// sequential reading.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "gantry/store/index_file.hpp"
#include "gantry/store/mapped_file_queue.hpp"
#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::temp_dir;

// The VmFlags of the mapping of `file` (proc(5): "rr" random read advised,
// "sr" sequential read advised).
std::string vm_flags(const std::filesystem::path& file) {
    const auto maps = testing::mappings_of(file);
    return maps.empty() ? "(no mapping of " + file.string() + ")" : maps.front().vm_flags;
}

TEST(ReadaheadAdviceTest, TheFileAppendedToReadsNothingAheadAndAFullOneIsReadFrontToBack) {
    temp_dir dir;
    constexpr std::int64_t file_size = 64 * 1024;
    mapped_file_queue files(dir.path(), file_size);
    ASSERT_FALSE(files.load());

    auto first = files.last_file_for_append(0);
    ASSERT_TRUE(first);
    EXPECT_NE(vm_flags((*first)->path()).find(" rr "), std::string::npos) << vm_flags((*first)->path());

    (*first)->set_wrote_position(file_size);
    auto second = files.last_file_for_append(file_size);
    ASSERT_TRUE(second);
    ASSERT_NE(*first, *second);
    EXPECT_NE(vm_flags((*second)->path()).find(" rr "), std::string::npos) << vm_flags((*second)->path());
    EXPECT_NE(vm_flags((*first)->path()).find(" sr "), std::string::npos) << vm_flags((*first)->path());
}

TEST(ReadaheadAdviceTest, AFileLoadedAtStartIsAdvisedWhenAppendsContinueInIt) {
    temp_dir dir;
    constexpr std::int64_t file_size = 64 * 1024;
    {
        mapped_file_queue files(dir.path(), file_size);
        ASSERT_FALSE(files.load());
        ASSERT_TRUE(files.last_file_for_append(0));
    }
    mapped_file_queue files(dir.path(), file_size);
    ASSERT_FALSE(files.load());
    files.truncate(100); // recovery: the data ends there
    auto last = files.last_file_for_append(100);
    ASSERT_TRUE(last);
    EXPECT_NE(vm_flags((*last)->path()).find(" rr "), std::string::npos) << vm_flags((*last)->path());
}

TEST(ReadaheadAdviceTest, AnIndexFileReadsNothingAheadWhenMadeAndWhenOpenedAgain) {
    temp_dir dir;
    std::filesystem::path path;
    {
        auto made = index_file::create(dir.path(), "", 64, 400);
        ASSERT_TRUE(made);
        path = (*made)->path();
        EXPECT_NE(vm_flags(path).find(" rr "), std::string::npos) << vm_flags(path);
    }
    auto opened = index_file::open(path, 64, 400);
    ASSERT_TRUE(opened);
    EXPECT_NE(vm_flags(path).find(" rr "), std::string::npos) << vm_flags(path);
}

} // namespace
} // namespace gantry::store
