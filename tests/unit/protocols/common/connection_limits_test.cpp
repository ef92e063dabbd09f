#include <gtest/gtest.h>

#include "gantry/protocols/common/connection_limits.hpp"
#include "gantry/protocols/common/input_buffer.hpp"

namespace gantry::protocols::common {
namespace {

connection_limits mqtt_limits() {
    connection_limits limits;
    limits.key_prefix = "mqtt.";
    return limits;
}

TEST(ConnectionLimitsTest, TheDefaultsAreValid) {
    EXPECT_EQ(mqtt_limits().validate(), std::nullopt);
}

TEST(ConnectionLimitsTest, AnInputBudgetBelowTheFrameSizeIsRefusedNamingBothKeys) {
    auto limits = mqtt_limits();
    limits.input_budget_bytes = limits.max_frame_size - 1;
    const auto problem = limits.validate();
    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("mqtt.inputBudgetBytes"), std::string::npos) << *problem;
    EXPECT_NE(problem->find("mqtt.maxFrameSize"), std::string::npos) << *problem;
}

TEST(ConnectionLimitsTest, AnInputBudgetPastWhatABufferCanHoldIsRefused) {
    auto limits = mqtt_limits();
    limits.input_budget_bytes = input_buffer::max_budget;
    EXPECT_EQ(limits.validate(), std::nullopt);
    limits.input_budget_bytes = input_buffer::max_budget + 1;
    const auto problem = limits.validate();
    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("mqtt.inputBudgetBytes (2147483649) must be at most 2147483648"), std::string::npos)
        << *problem;
}

} // namespace
} // namespace gantry::protocols::common
