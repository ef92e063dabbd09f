// JMS priority: a subscription that asks for it gets, of what one delivery
// round takes, the higher priorities first and equal ones in stored order;
// one that does not keeps each queue's stored order.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "engine_test_support.hpp"

namespace gantry::core {
namespace {

using testing::recording_sink;

// Priorities in the order they are sent; -1 sends none (JMS default 4).
const std::vector<int> sent_priorities{3, 9, -1, 0, 9, 5, 1, -1, 7, 2, 8, 6, 4};

class PriorityDeliveryTest : public testing::engine_fixture {
protected:
    void send_all(const std::string& topic) {
        for (std::size_t i = 0; i < sent_priorities.size(); ++i) {
            engine::message m;
            m.topic = topic;
            m.body = "m" + std::to_string(i);
            m.priority = sent_priorities[i];
            append(std::move(m));
        }
    }

    // Bodies in the order they were delivered, all at once within credit.
    std::vector<std::string> receive(const std::string& topic, bool by_priority) {
        engine::subscription_options o;
        o.topic = topic;
        o.group = "workers";
        o.start = engine::start_position::earliest();
        o.by_priority = by_priority;
        auto sink = std::make_shared<recording_sink>();
        const auto id = subscribe(o, sink);
        engine_->grant_credit(id, 100);
        EXPECT_TRUE(sink->wait_for(sent_priorities.size()));
        std::vector<std::string> bodies;
        for (const auto& d : sink->deliveries()) bodies.push_back(d.msg.body);
        return bodies;
    }
};

TEST_F(PriorityDeliveryTest, HigherPrioritiesComeFirstAndEqualOnesInStoredOrderAcrossQueues) {
    send_all("jobs"); // an auto-created topic: its messages are spread over several queues
    const std::vector<std::string> expected{"m1", "m4", "m10", "m8", "m11", "m5",
                                            "m2", "m7", "m12", "m0", "m9", "m6", "m3"};
    EXPECT_EQ(receive("jobs", true), expected);
}

TEST_F(PriorityDeliveryTest, WithoutItEachQueueKeepsItsStoredOrder) {
    std::promise<std::error_code> declared;
    engine_->declare(ctx(), {"ordered", 1}, [&](std::error_code ec) { declared.set_value(ec); });
    ASSERT_FALSE(declared.get_future().get());
    send_all("ordered");
    std::vector<std::string> expected;
    for (std::size_t i = 0; i < sent_priorities.size(); ++i) expected.push_back("m" + std::to_string(i));
    EXPECT_EQ(receive("ordered", false), expected);
}

} // namespace
} // namespace gantry::core
