// overlapping_copies: which subscriptions' copies of a record to pass over,
// once each, and the bound past which it forgets.
#include <gtest/gtest.h>

#include <cstdint>

#include "../../../../../protocols/mqtt/src/overlapping_copies.hpp"

namespace gantry::protocols::mqtt {
namespace {

TEST(overlapping_copies, each_expected_copy_is_passed_over_once) {
    overlapping_copies copies;
    copies.expect(1001, {2, 3});
    EXPECT_FALSE(copies.take(1001, 1)) << "the subscription that sent it gets its redeliveries";
    EXPECT_FALSE(copies.take(1002, 2)) << "another record";
    EXPECT_TRUE(copies.take(1001, 2));
    EXPECT_FALSE(copies.take(1001, 2)) << "a second copy for the same subscription goes out";
    EXPECT_TRUE(copies.take(1001, 3));
    EXPECT_EQ(copies.size(), 0u);
}

TEST(overlapping_copies, nothing_is_remembered_for_a_message_with_one_subscription) {
    overlapping_copies copies;
    copies.expect(1001, {});
    EXPECT_EQ(copies.size(), 0u);
}

TEST(overlapping_copies, past_its_bound_it_forgets_and_later_copies_go_out) {
    overlapping_copies copies;
    for (std::size_t i = 0; i < overlapping_copies::max_records; ++i) copies.expect(static_cast<std::int64_t>(i), {2});
    EXPECT_EQ(copies.size(), overlapping_copies::max_records);
    copies.expect(-1, {2});
    EXPECT_EQ(copies.size(), 1u);
    EXPECT_FALSE(copies.take(0, 2));
    EXPECT_TRUE(copies.take(-1, 2));
}

} // namespace
} // namespace gantry::protocols::mqtt
