// delayed_will: a will kept as the PUBLISH it becomes, mapped to an engine
// message only when it is published.
#include <gtest/gtest.h>

#include "../../../../../protocols/mqtt/src/delayed_will.hpp"
#include "gantry/protocols/mqtt/mqtt_mapping.hpp"

namespace gantry::protocols::mqtt {
namespace {

will_message will_with_properties() {
    will_message will;
    will.topic = "devices/d1/status";
    will.payload = {std::byte{'o'}, std::byte{'f'}, std::byte{'f'}};
    will.qos = 1;
    will.retain = true;
    will.properties.will_delay_interval = 30;
    will.properties.message_expiry_interval = 60;
    will.properties.content_type = "text/plain";
    will.properties.user_properties = {{"k", "1"}, {"k", "2"}};
    return will;
}

TEST(delayed_will, becomes_the_message_the_will_would_have_been_when_published) {
    const auto kept = make_delayed_will(will_publish(will_with_properties()), 5'000);
    ASSERT_TRUE(kept) << kept.error().message();
    EXPECT_EQ(kept->due_ms, 5'000);
    const auto msg = will_to_publish(*kept, "d1", 70'000);
    ASSERT_TRUE(msg) << msg.error().message();
    EXPECT_EQ(msg->topic, "devices");
    EXPECT_EQ(msg->tag, "d1/status");
    EXPECT_EQ(msg->body, "off");
    EXPECT_EQ(msg->content_type, "text/plain");
    EXPECT_EQ(msg->expires_at_ms, 70'000 + 60'000) << "its expiry counts from when it is published";
    EXPECT_TRUE(published_with_retain(*msg));
    const auto out = from_engine_message(*msg, 70'000);
    EXPECT_EQ(out.qos, 1);
    EXPECT_EQ(published_by(*msg), "d1");
    EXPECT_EQ(out.publish.properties.user_properties, will_with_properties().properties.user_properties);
}

TEST(delayed_will, bytes_that_are_no_publish_are_an_error) {
    EXPECT_FALSE(will_to_publish(delayed_will{{std::byte{0x30}}, 0}, "d1", 0));
    EXPECT_FALSE(will_to_publish(delayed_will{{std::byte{0x20}, std::byte{0x00}}, 0}, "d1", 0));
}

} // namespace
} // namespace gantry::protocols::mqtt
