#include "gantry/store/store_checkpoint.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "gantry/store/byte_order.hpp"
#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::temp_dir;

TEST(StoreCheckpoint, KeepsRocketMqFieldsAtTheirOffsetsAndOursAfterThem) {
    temp_dir dir;
    const auto path = dir.path() / "checkpoint";
    {
        store_checkpoint cp(path);
        ASSERT_FALSE(cp.open());
        EXPECT_EQ(cp.state().dispatched_offset, 0) << "a new checkpoint reads as zeros";
        cp.set_physic(1000, 111);
        cp.set_logics(900, 222);
        cp.set_index(800, 333);
        ASSERT_FALSE(cp.flush());
    }
    std::ifstream in(path, std::ios::binary);
    std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(raw.size(), 4096u);
    const auto* p = reinterpret_cast<const std::byte*>(raw.data());
    EXPECT_EQ(load_be<std::int64_t>(p + 0), 111);  // physicMsgTimestamp
    EXPECT_EQ(load_be<std::int64_t>(p + 8), 222);  // logicsMsgTimestamp
    EXPECT_EQ(load_be<std::int64_t>(p + 16), 333); // indexMsgTimestamp
    EXPECT_EQ(load_be<std::int64_t>(p + 40), 1000);
    EXPECT_EQ(load_be<std::int64_t>(p + 48), 900);
    EXPECT_EQ(load_be<std::int64_t>(p + 56), 800);

    store_checkpoint again(path);
    ASSERT_FALSE(again.open());
    const auto s = again.state();
    EXPECT_EQ(s.physic_msg_timestamp, 111);
    EXPECT_EQ(s.physic_flushed_offset, 1000);
    EXPECT_EQ(s.dispatched_offset, 900);
    EXPECT_EQ(s.indexed_offset, 800);
}

} // namespace
} // namespace gantry::store
