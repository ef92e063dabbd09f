#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "gantry/protocols/common/output_queue.hpp"

namespace gantry::protocols::common {
namespace {

std::shared_ptr<const std::string> push_text(output_queue& queue, std::string text) {
    auto owned = std::make_shared<const std::string>(std::move(text));
    const asio::const_buffer buffer(owned->data(), owned->size());
    queue.push(std::span(&buffer, 1), owned);
    return owned;
}

std::string flatten(std::span<const asio::const_buffer> buffers) {
    std::string out;
    for (const auto& b : buffers) {
        out.append(static_cast<const char*>(b.data()), b.size());
    }
    return out;
}

TEST(OutputQueueTest, GathersQueuedChunksInOrderIntoOneWrite) {
    output_queue queue;
    push_text(queue, "one ");
    push_text(queue, "two ");
    push_text(queue, "three");
    EXPECT_EQ(queue.bytes(), 13u);
    EXPECT_EQ(flatten(queue.gather()), "one two three");
    EXPECT_FALSE(queue.has_ungathered());
    push_text(queue, "!");
    EXPECT_TRUE(queue.has_ungathered());
    queue.release_gathered();
    EXPECT_EQ(queue.bytes(), 1u);
    EXPECT_EQ(flatten(queue.gather()), "!");
}

TEST(OutputQueueTest, HoldsTheKeepAliveTokenUntilReleased) {
    output_queue queue;
    std::weak_ptr<const std::string> token = push_text(queue, "payload");
    EXPECT_FALSE(token.expired());
    queue.gather();
    EXPECT_FALSE(token.expired());
    queue.release_gathered();
    EXPECT_TRUE(token.expired());
    EXPECT_TRUE(queue.empty());
}

TEST(OutputQueueTest, LimitsOneGatherButAlwaysTakesAWholeChunk) {
    output_queue queue;
    for (std::size_t i = 0; i < output_queue::max_gather_buffers + 10; ++i) {
        push_text(queue, "x");
    }
    EXPECT_EQ(queue.gather().size(), output_queue::max_gather_buffers);
    queue.release_gathered();
    EXPECT_EQ(queue.gather().size(), 10u);
    queue.release_gathered();

    push_text(queue, std::string(output_queue::max_gather_bytes * 2, 'y'));
    push_text(queue, "z");
    EXPECT_EQ(flatten(queue.gather()).size(), output_queue::max_gather_bytes * 2);
}

TEST(OutputQueueTest, OwnsBytesItIsGivenShortOrLong) {
    output_queue queue;
    push_text(queue, "<");
    queue.push(std::string("short"));
    queue.push(std::string(100, 'l'));
    queue.push(std::vector<std::byte>{std::byte{'v'}});
    queue.push(std::string());
    EXPECT_EQ(queue.bytes(), 107u);
    EXPECT_EQ(flatten(queue.gather()), "<short" + std::string(100, 'l') + "v");
    queue.release_gathered();
    EXPECT_TRUE(queue.empty());
}

TEST(OutputQueueTest, SendsAnOwnedHeadBeforeATailItKeepsAlive) {
    output_queue queue;
    auto stored = std::make_shared<const std::string>("payload");
    std::weak_ptr<const std::string> token = stored;
    const auto tail = std::as_bytes(std::span(*stored));
    std::vector<std::byte> head{std::byte{'<'}, std::byte{'>'}};
    queue.push(head, tail, std::move(stored));
    head.assign(2, std::byte{'x'}); // the queue has its own copy
    queue.push(std::vector<std::byte>{std::byte{'h'}}, {}, nullptr); // no tail: the head alone
    const std::string long_head(output_queue::inline_head_bytes + 1, 'L');
    queue.push(std::as_bytes(std::span(long_head)), {}, nullptr);
    EXPECT_EQ(queue.bytes(), 10u + long_head.size());
    const auto buffers = queue.gather();
    ASSERT_EQ(buffers.size(), 4u);
    EXPECT_EQ(buffers[1].data(), tail.data()); // sent from where it lies, not copied
    EXPECT_EQ(flatten(buffers), "<>payloadh" + long_head);
    EXPECT_FALSE(token.expired());
    queue.release_gathered();
    EXPECT_TRUE(token.expired());
}

TEST(OutputQueueTest, IgnoresEmptyBuffers) {
    output_queue queue;
    const asio::const_buffer parts[] = {asio::const_buffer(), asio::buffer("ab", 2), asio::const_buffer()};
    queue.push(parts, nullptr);
    queue.push(std::span<const asio::const_buffer>(), nullptr);
    EXPECT_EQ(queue.bytes(), 2u);
    EXPECT_EQ(queue.gather().size(), 1u);
}

} // namespace
} // namespace gantry::protocols::common
