#include "gantry/core/json_file.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gantry/core/core_error.hpp"
#include "metadata_test_support.hpp"

namespace gantry::core {
namespace {

using metadata_testing::read_file;
using metadata_testing::temp_dir;
using metadata_testing::with_suffix;
using metadata_testing::write_file;
using nlohmann::json;

// Loads `file` and returns the document taken, or null when none was.
json load_document(const json_file& file, result<bool>* outcome = nullptr) {
    json taken;
    auto r = file.load([&](const json& document) {
        if (!document.contains("v")) return std::error_code(core_errc::metadata_corrupt);
        taken = document;
        return std::error_code{};
    });
    if (outcome) *outcome = r;
    return taken;
}

TEST(JsonFile, FirstStartHasNothingToLoad) {
    temp_dir dir;
    json_file file(dir.path() / "config" / "x.json");
    result<bool> outcome = false;
    EXPECT_TRUE(load_document(file, &outcome).is_null());
    ASSERT_TRUE(outcome);
    EXPECT_FALSE(*outcome);
}

TEST(JsonFile, SaveCreatesTheDirectoryAndKeepsThePreviousVersionAsBak) {
    temp_dir dir;
    json_file file(dir.path() / "config" / "x.json");
    ASSERT_FALSE(file.save({{"v", 1}}));
    EXPECT_FALSE(std::filesystem::exists(file.backup_path())) << "nothing to back up on the first save";
    ASSERT_FALSE(file.save({{"v", 2}}));
    EXPECT_EQ(json::parse(read_file(file.path()))["v"], 2);
    EXPECT_EQ(json::parse(read_file(file.backup_path()))["v"], 1);
    ASSERT_FALSE(file.save({{"v", 3}}));
    EXPECT_EQ(json::parse(read_file(file.backup_path()))["v"], 2);
    EXPECT_FALSE(std::filesystem::exists(with_suffix(file.path(), ".tmp")));
    EXPECT_EQ(load_document(file)["v"], 3);
}

TEST(JsonFile, IgnoresATmpFileLeftByACrashAndOverwritesItOnTheNextSave) {
    temp_dir dir;
    json_file file(dir.path() / "x.json");
    ASSERT_FALSE(file.save({{"v", 1}}));
    write_file(with_suffix(file.path(), ".tmp"), "{\"v\": 2, \"half-writ");
    EXPECT_EQ(load_document(file)["v"], 1);
    ASSERT_FALSE(file.save({{"v", 3}}));
    EXPECT_EQ(load_document(file)["v"], 3);
}

TEST(JsonFile, FallsBackToTheBackupWhenTheFileIsCorruptEmptyMissingOrRefused) {
    for (const std::string damage : {"{\"v\": 2, \"trunc", "", "<missing>", "{\"other\": 1}"}) {
        temp_dir dir;
        json_file file(dir.path() / "x.json");
        ASSERT_FALSE(file.save({{"v", 1}}));
        ASSERT_FALSE(file.save({{"v", 2}}));
        if (damage == "<missing>")
            std::filesystem::remove(file.path());
        else
            write_file(file.path(), damage);
        result<bool> outcome = false;
        EXPECT_EQ(load_document(file, &outcome)["v"], 1) << "damage: " << damage;
        ASSERT_TRUE(outcome);
        EXPECT_TRUE(*outcome);

        const auto aside = with_suffix(file.path(), ".corrupt");
        if (damage == "<missing>")
            EXPECT_FALSE(std::filesystem::exists(aside));
        else
            EXPECT_EQ(read_file(aside), damage) << "the unusable file is kept for inspection";
        EXPECT_EQ(json::parse(read_file(file.path()))["v"], 1) << "the backup is the file again";
        ASSERT_FALSE(file.save({{"v", 3}}));
        EXPECT_EQ(json::parse(read_file(file.backup_path()))["v"], 1) << "the next save backs up a usable file";
    }
}

TEST(JsonFile, ReportsCorruptionWhenNeitherFileIsUsable) {
    temp_dir dir;
    json_file file(dir.path() / "x.json");
    write_file(file.path(), "not json");
    result<bool> outcome = false;
    load_document(file, &outcome);
    EXPECT_EQ(outcome.error(), core_errc::metadata_corrupt) << "no backup";

    write_file(file.backup_path(), "[1,");
    load_document(file, &outcome);
    EXPECT_EQ(outcome.error(), core_errc::metadata_corrupt) << "corrupt backup";
}

} // namespace
} // namespace gantry::core
