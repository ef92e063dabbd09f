#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "gantry/protocols/common/input_buffer.hpp"

namespace gantry::protocols::common {
namespace {

// Copies `text` into the room prepare() offers, as a read would.
std::size_t fill(input_buffer& buffer, const std::string& text) {
    const auto room = buffer.prepare();
    const auto n = std::min(room.size(), text.size());
    std::memcpy(room.data(), text.data(), n);
    buffer.commit(n);
    return n;
}

std::string contents(const input_buffer& buffer) {
    const auto data = buffer.data();
    return {reinterpret_cast<const char*>(data.data()), data.size()};
}

TEST(InputBufferTest, KeepsUnconsumedBytesInOrder) {
    input_buffer buffer(1024);
    fill(buffer, "hello world");
    buffer.consume(6);
    fill(buffer, "!");
    EXPECT_EQ(contents(buffer), "world!");
}

TEST(InputBufferTest, GrowsForALargeFrameButNeverPastTheBudget) {
    input_buffer buffer(100'000);
    const std::string chunk(10'000, 'x');
    std::size_t total = 0;
    for (int i = 0; i < 20 && !buffer.full(); ++i) {
        total += fill(buffer, chunk);
    }
    EXPECT_TRUE(buffer.full());
    EXPECT_EQ(total, 100'000u);
    EXPECT_EQ(buffer.size(), 100'000u);
    EXPECT_LE(buffer.capacity(), 100'000u);
    EXPECT_EQ(buffer.prepare().size(), 0u);
}

TEST(InputBufferTest, CompactsInsteadOfGrowingWhenTheFrontWasConsumed) {
    input_buffer buffer(input_buffer::initial_capacity);
    fill(buffer, std::string(input_buffer::initial_capacity, 'a'));
    buffer.consume(input_buffer::initial_capacity - 3);
    const auto room = buffer.prepare();
    EXPECT_EQ(room.size(), input_buffer::initial_capacity - 3);
    EXPECT_EQ(buffer.capacity(), input_buffer::initial_capacity);
    EXPECT_EQ(contents(buffer), "aaa");
}

TEST(InputBufferTest, ShrinksBackOnceEmptied) {
    input_buffer buffer(1024 * 1024);
    while (!buffer.full()) {
        fill(buffer, std::string(65536, 'b'));
    }
    EXPECT_GT(buffer.capacity(), 64u * 1024);
    buffer.consume(buffer.size());
    buffer.prepare();
    EXPECT_EQ(buffer.capacity(), input_buffer::initial_capacity);
}

TEST(InputBufferTest, ConsumingDuringAReadDoesNotMoveItsRoom) {
    input_buffer buffer(1024);
    fill(buffer, "abc");
    const auto room = buffer.prepare(); // a read is now in flight into `room`
    buffer.consume(3);                  // the session consumed meanwhile
    std::memcpy(room.data(), "de", 2);
    buffer.commit(2);
    EXPECT_EQ(contents(buffer), "de");
}

} // namespace
} // namespace gantry::protocols::common
