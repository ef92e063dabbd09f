#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "gantry/broker/broker_registry.hpp"
#include "gantry/broker/command_line.hpp"

namespace gantry::broker {
namespace {

using testing::error_of;
using ::testing::HasSubstr;

class command_line_test : public ::testing::Test {
protected:
    std::variant<launch_options, int> parse(std::vector<std::string> args) {
        args.insert(args.begin(), "gantryd");
        std::vector<const char*> argv;
        for (const auto& arg : args) {
            argv.push_back(arg.c_str());
        }
        return parse_command_line(registry_, static_cast<int>(argv.size()), argv.data(), out_);
    }

    launch_options options(std::vector<std::string> args) {
        auto parsed = parse(std::move(args));
        EXPECT_TRUE(std::holds_alternative<launch_options>(parsed));
        return std::get<launch_options>(parsed);
    }

    config_registry registry_ = make_broker_registry();
    std::ostringstream out_;
};

TEST_F(command_line_test, no_arguments_means_no_file_and_no_overrides) {
    const auto parsed = options({});
    EXPECT_FALSE(parsed.config_file);
    EXPECT_TRUE(parsed.overrides.empty());
}

TEST_F(command_line_test, every_key_is_an_option_named_like_the_key) {
    const auto parsed = options({"-c", "conf/gantry.toml", "--flushDiskType", "SYNC_FLUSH", "--maxMessageSize=1024",
                                 "--brokerName", "a", "--brokerName", "b"});
    EXPECT_EQ(parsed.config_file, "conf/gantry.toml");
    using override_list = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(parsed.overrides,
              (override_list{{"brokerName", "b"}, {"flushDiskType", "SYNC_FLUSH"}, {"maxMessageSize", "1024"}}));
}

TEST_F(command_line_test, unknown_option_is_an_unknown_key_with_a_suggestion) {
    EXPECT_EQ(error_of([&] {
                  parse({"--flushDiskTyp", "SYNC_FLUSH"});
              }),
              "unknown configuration key 'flushDiskTyp' on the command line; did you mean 'flushDiskType'?");
    EXPECT_EQ(error_of([&] { parse({"--listenprot=1"}); }),
              "unknown configuration key 'listenprot' on the command line; did you mean 'listenPort'?");
}

TEST_F(command_line_test, stray_argument_is_refused) {
    EXPECT_THAT(error_of([&] { parse({"gantry.toml"}); }), HasSubstr("unexpected argument 'gantry.toml'"));
}

TEST_F(command_line_test, option_without_value_is_one_line) {
    const auto message = error_of([&] { parse({"--flushDiskType"}); });
    EXPECT_THAT(message, HasSubstr("flushDiskType"));
    EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST_F(command_line_test, help_lists_every_key_and_exits_zero) {
    const auto parsed = parse({"--help"});
    ASSERT_TRUE(std::holds_alternative<int>(parsed));
    EXPECT_EQ(std::get<int>(parsed), 0);
    for (const auto& key : registry_.keys()) {
        EXPECT_THAT(out_.str(), HasSubstr("--" + key.name)) << key.name;
    }
    EXPECT_THAT(out_.str(), HasSubstr("ASYNC_FLUSH|SYNC_FLUSH"));
}

TEST_F(command_line_test, version_exits_zero) {
    const auto parsed = parse({"--version"});
    ASSERT_TRUE(std::holds_alternative<int>(parsed));
    EXPECT_EQ(std::get<int>(parsed), 0);
    EXPECT_THAT(out_.str(), HasSubstr("gantryd "));
}

} // namespace
} // namespace gantry::broker
