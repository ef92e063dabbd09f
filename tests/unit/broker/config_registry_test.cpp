#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "gantry/broker/broker_registry.hpp"
#include "gantry/broker/config_loader.hpp"

namespace gantry::broker {
namespace {

using testing::error_of;
using ::testing::HasSubstr;

launch_options with_overrides(std::vector<std::pair<std::string, std::string>> overrides) {
    launch_options options;
    options.overrides = std::move(overrides);
    return options;
}

class config_registry_test : public ::testing::Test {
protected:
    config_registry registry_ = make_broker_registry();
    broker_config config_;
};

TEST_F(config_registry_test, no_file_and_no_overrides_gives_the_embedded_defaults) {
    const auto config = load_config(registry_, {});
    EXPECT_EQ(config.broker_name, "broker-a");
    EXPECT_EQ(config.broker_cluster_name, "DefaultCluster");
    EXPECT_EQ(config.store.root_dir, "./data");
    EXPECT_EQ(config.store.flush_type, store::flush_disk_type::async_flush);
    EXPECT_EQ(config.store.commit_log_file_size, 1024LL * 1024 * 1024);
    EXPECT_EQ(config.store.delete_when_hours, std::vector<int>{4});
    EXPECT_EQ(config.log.level, spdlog::level::info);
    EXPECT_TRUE(config.log.file.empty());
    EXPECT_EQ(config.store.store_host, store::socket_address::ipv4(127, 0, 0, 1, 10911));
}

TEST_F(config_registry_test, every_key_reads_back_what_it_was_given) {
    registry_.apply(config_, "flushDiskType", std::string("SYNC_FLUSH"), "in test");
    registry_.apply(config_, "flushIntervalCommitLog", std::int64_t{250}, "in test");
    registry_.apply(config_, "fileReservedTime", std::int64_t{48}, "in test");
    registry_.apply(config_, "checkCRCOnRecover", false, "in test");
    registry_.apply(config_, "storePathRootDir", std::string("/var/lib/gantry"), "in test");
    registry_.apply(config_, "logLevel", std::string("debug"), "in test");

    EXPECT_EQ(config_.store.flush_type, store::flush_disk_type::sync_flush);
    EXPECT_EQ(config_.store.flush_interval, std::chrono::milliseconds(250));
    EXPECT_EQ(config_.store.file_reserved_time, std::chrono::hours(48));
    EXPECT_FALSE(config_.store.check_crc_on_recover);
    EXPECT_EQ(config_.store.root_dir, "/var/lib/gantry");
    EXPECT_EQ(config_.log.level, spdlog::level::debug);
    EXPECT_EQ(registry_.find("flushDiskType")->read(config_), config_value(std::string("SYNC_FLUSH")));
    EXPECT_EQ(registry_.find("fileReservedTime")->read(config_), config_value(std::int64_t{48}));
}

TEST_F(config_registry_test, unknown_key_is_named_with_the_nearest_valid_one) {
    const auto message = error_of([&] { registry_.apply(config_, "flushDiskTyp", std::string("x"), "in a.toml:3"); });
    EXPECT_EQ(message, "unknown configuration key 'flushDiskTyp' in a.toml:3; did you mean 'flushDiskType'?");
}

TEST_F(config_registry_test, suggestion_ignores_case_and_swapped_letters) {
    EXPECT_EQ(registry_.nearest("brokername"), "brokerName");
    EXPECT_EQ(registry_.nearest("listenProt"), "listenPort");
    EXPECT_EQ(registry_.nearest("amqpPortNumber"), std::nullopt);
}

TEST_F(config_registry_test, enum_value_error_lists_the_choices) {
    const auto message =
        error_of([&] { registry_.apply_text(config_, "flushDiskType", "FAST", "on the command line"); });
    EXPECT_EQ(message, "flushDiskType must be ASYNC_FLUSH or SYNC_FLUSH, got 'FAST' on the command line");
}

TEST_F(config_registry_test, integer_out_of_range_names_the_bounds) {
    const auto message = error_of([&] { registry_.apply_text(config_, "diskMaxUsedSpaceRatio", "99", "here"); });
    EXPECT_EQ(message, "diskMaxUsedSpaceRatio must be between 10 and 95, got 99 here");
}

TEST_F(config_registry_test, consume_queue_size_must_hold_whole_entries) {
    const auto message = error_of([&] { registry_.apply_text(config_, "mappedFileSizeConsumeQueue", "1001", "here"); });
    EXPECT_THAT(message, HasSubstr("mappedFileSizeConsumeQueue must be a multiple of 20"));
}

TEST_F(config_registry_test, text_that_is_not_of_the_key_type_is_refused) {
    EXPECT_EQ(error_of([&] { registry_.apply_text(config_, "maxMessageSize", "4MB", "here"); }),
              "maxMessageSize must be an integer, got '4MB' here");
    EXPECT_EQ(error_of([&] { registry_.apply_text(config_, "messageIndexEnable", "yes", "here"); }),
              "messageIndexEnable must be true or false, got 'yes' here");
    EXPECT_EQ(error_of([&] { registry_.apply(config_, "brokerName", std::int64_t{7}, "here"); }),
              "brokerName must be a string, got 7 here");
}

TEST_F(config_registry_test, delete_when_takes_one_or_more_hours) {
    registry_.apply_text(config_, "deleteWhen", "04;16", "here");
    EXPECT_EQ(config_.store.delete_when_hours, (std::vector<int>{4, 16}));
    EXPECT_EQ(registry_.find("deleteWhen")->read(config_), config_value(std::string("04;16")));
    for (const char* bad : {"", "4;", "24", "04;x", "004", ";04"}) {
        EXPECT_THAT(error_of([&] { registry_.apply_text(config_, "deleteWhen", bad, "here"); }),
                    HasSubstr("deleteWhen must be hours of the day"))
            << bad;
    }
}

TEST_F(config_registry_test, broker_ip_must_be_an_address) {
    EXPECT_EQ(error_of([&] { registry_.apply_text(config_, "brokerIP1", "broker.local", "here"); }),
              "brokerIP1 must be an IPv4 or IPv6 address, got 'broker.local' here");
}

TEST_F(config_registry_test, store_host_follows_broker_ip_and_listen_port) {
    const auto config = load_config(registry_, with_overrides({{"brokerIP1", "10.0.0.7"}, {"listenPort", "20911"}}));
    EXPECT_EQ(config.store.store_host, store::socket_address::ipv4(10, 0, 0, 7, 20911));

    const auto v6 = load_config(registry_, with_overrides({{"brokerIP1", "::1"}}));
    EXPECT_TRUE(v6.store.store_host.is_v6);
    EXPECT_EQ(v6.store.store_host.bytes[15], 1);
}

TEST_F(config_registry_test, a_message_larger_than_a_segment_is_refused_across_keys) {
    const auto message = error_of([&] {
        load_config(registry_, with_overrides({{"mappedFileSizeCommitLog", "65536"}, {"maxMessageSize", "65536"}}));
    });
    EXPECT_THAT(message, HasSubstr("maxMessageSize (65536) must be smaller than mappedFileSizeCommitLog (65536)"));
}

TEST_F(config_registry_test, every_key_has_help_a_hint_and_a_default) {
    const broker_config defaults;
    for (const auto& key : registry_.keys()) {
        EXPECT_FALSE(key.help.empty()) << key.name;
        EXPECT_FALSE(key.hint.empty()) << key.name;
        EXPECT_FALSE(key.group.empty()) << key.name;
        // The default must be a value the key itself accepts.
        broker_config copy;
        EXPECT_EQ(key.apply(copy, key.read(defaults)), std::nullopt) << key.name;
    }
}

} // namespace
} // namespace gantry::broker
