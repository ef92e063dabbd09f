#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gantry/namesrv/kv_config.hpp"
#include "namesrv_test_support.hpp"

namespace gantry::namesrv::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

void write_file(const std::filesystem::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

TEST(namesrv_kv_config_test, put_get_delete_and_list) {
    kv_config kv;
    EXPECT_FALSE(kv.get("LMQ", "k"));
    EXPECT_FALSE(kv.list("LMQ"));
    kv.put("LMQ", "b", "2");
    kv.put("LMQ", "a", "1");
    kv.put("LMQ", "a", "one");
    kv.put("ORDER_TOPIC_CONFIG", "TopicA", "broker-a:4");
    EXPECT_EQ(kv.get("LMQ", "a"), "one");
    EXPECT_EQ(kv.list("LMQ"), (kv_config::table{{"a", "one"}, {"b", "2"}}));

    kv.erase("LMQ", "a");
    kv.erase("LMQ", "missing");
    kv.erase("Nowhere", "a");
    EXPECT_FALSE(kv.get("LMQ", "a"));
    kv.erase("LMQ", "b");
    // As Java: the emptied namespace is still listed.
    EXPECT_EQ(kv.list("LMQ"), kv_config::table{});
    EXPECT_FALSE(kv.list("Nowhere"));
}

TEST(namesrv_kv_config_test, every_change_is_persisted_and_reloaded) {
    temp_dir dir;
    const auto path = dir.path() / "data" / "namesrv" / "kvConfig.json";
    {
        kv_config kv(path);
        EXPECT_EQ(kv.load(), std::nullopt); // no file yet: empty
        kv.put("LMQ", "k", "v \"quoted\"");
        kv.put("ORDER_TOPIC_CONFIG", "TopicA", "broker-a:4");
        kv.erase("ORDER_TOPIC_CONFIG", "TopicA");
    }
    EXPECT_EQ(read_file(path), R"({"configTable":{"LMQ":{"k":"v \"quoted\""},"ORDER_TOPIC_CONFIG":{}}})");
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));

    kv_config reloaded(path);
    EXPECT_EQ(reloaded.load(), std::nullopt);
    EXPECT_EQ(reloaded.get("LMQ", "k"), "v \"quoted\"");
    EXPECT_EQ(reloaded.list("ORDER_TOPIC_CONFIG"), kv_config::table{});
}

TEST(namesrv_kv_config_test, reads_what_java_writes) {
    temp_dir dir;
    const auto path = dir.path() / "kvConfig.json";
    write_file(path, "{\n\t\"configTable\":{\n\t\t\"LMQ\":{\"n\":3,\"on\":true,\"s\":\"x\"}\n\t}\n}");
    kv_config kv(path);
    EXPECT_EQ(kv.load(), std::nullopt);
    EXPECT_EQ(kv.list("LMQ"), (kv_config::table{{"n", "3"}, {"on", "true"}, {"s", "x"}}));

    write_file(path, "");
    kv_config empty(path);
    EXPECT_EQ(empty.load(), std::nullopt);
    EXPECT_FALSE(empty.list("LMQ"));
}

TEST(namesrv_kv_config_test, a_corrupt_file_is_named) {
    temp_dir dir;
    const auto path = dir.path() / "kvConfig.json";
    const auto problem = [&](std::string_view text) {
        write_file(path, text);
        kv_config kv(path);
        return kv.load().value_or("");
    };
    const auto prefix = "the KV config file '" + path.string() + "' (kvConfigPath) is corrupt: ";
    const std::string advice = "; restore it from a backup or remove it to start with an empty KV config";
    EXPECT_EQ(problem(R"({"configTable":)"), prefix + "it is not valid JSON" + advice);
    EXPECT_EQ(problem("[]"), prefix + "it is not a JSON object" + advice);
    EXPECT_EQ(problem(R"({"configTable":[]})"), prefix + "configTable is not an object" + advice);
    EXPECT_EQ(problem(R"({"configTable":{"LMQ":"x"}})"), prefix + "namespace 'LMQ' is not an object" + advice);
    EXPECT_EQ(problem(R"({"configTable":{"LMQ":{"k":{}}}})"), prefix + "the value of 'LMQ'/'k' is not text" + advice);

    kv_config directory(dir.path());
    EXPECT_EQ(directory.load(),
              "cannot read the KV config file '" + dir.path().string() + "' (kvConfigPath): it is not a regular file");
}

} // namespace
} // namespace gantry::namesrv::test
