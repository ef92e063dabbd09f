#include <gtest/gtest.h>

#include "gantry/protocols/remoting/remoting_error.hpp"
#include "gantry/protocols/remoting/route_data.hpp"

namespace gantry::protocols::remoting::test {
namespace {

topic_route two_brokers() {
    topic_route route;
    route.brokers = {{"c1", "broker-a", {{0, "10.0.0.1:10911"}, {1, "10.0.0.2:10911"}}},
                     {"c1", "broker-b", {{0, "10.0.0.3:10911"}}}};
    route.queues = {{"broker-a", 4, 4, 6, 0}, {"broker-b", 8, 2, 4, 0}};
    route.order_topic_conf = "broker-a:4;broker-b:2";
    return route;
}

TEST(route_data_test, topic_route_json_is_compact_sorted_and_reads_back_equal) {
    const auto route = two_brokers();
    const auto text = topic_route_json(route);
    const std::string start =
        R"({"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911","1":"10.0.0.2:10911"},"brokerName":"broker-a",)"
        R"("cluster":"c1","enableActingMaster":false},)";
    EXPECT_EQ(text.substr(0, start.size()), start);
    EXPECT_EQ(text.find(' '), std::string::npos);
    const auto back = parse_topic_route(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, route);
}

TEST(route_data_test, lenient_numbers_are_read_and_broken_bodies_refused) {
    const auto route = parse_topic_route(
        R"({"queueDatas":[{"brokerName":"b","readQueueNums":"3","writeQueueNums":3,"perm":"6","topicSynFlag":0}],)"
        R"("brokerDatas":[{"brokerName":"b","cluster":"c","brokerAddrs":{"0":"h:1"}}],"extra":{}})");
    ASSERT_TRUE(route);
    EXPECT_EQ(route->queues.front().read_queue_nums, 3);
    EXPECT_EQ(route->queues.front().perm, 6);
    EXPECT_EQ(route->brokers.front().broker_addrs.at(0), "h:1");
    EXPECT_EQ(parse_topic_route("{\"queueDatas\":[{}]}").error(), remoting_errc::malformed_body);
    EXPECT_EQ(parse_topic_route("not json").error(), remoting_errc::malformed_body);
}

TEST(route_data_test, cluster_info_round_trips) {
    cluster_info info;
    info.brokers.emplace("broker-a", broker_data{"c1", "broker-a", {{0, "10.0.0.1:10911"}}});
    info.clusters.emplace("c1", std::set<std::string>{"broker-a"});
    const auto text = cluster_info_json(info);
    EXPECT_EQ(text, R"({"brokerAddrTable":{"broker-a":{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"broker-a",)"
                    R"("cluster":"c1"}},"clusterAddrTable":{"c1":["broker-a"]}})");
    const auto back = parse_cluster_info(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, info);
}

} // namespace
} // namespace gantry::protocols::remoting::test
