#include <gtest/gtest.h>

#include <chrono>

#include "gantry/namesrv/route_table.hpp"
#include "namesrv_test_support.hpp"

namespace gantry::namesrv::test {
namespace {

using namespace std::chrono_literals;

class namesrv_route_table_test : public ::testing::Test {
protected:
    route_table table_;
    const route_table::time_point t0_ = route_table::time_point{} + 1000h;
    static constexpr connection_key conn_a = 11;
    static constexpr connection_key conn_b = 22;
};

queue_data queue(std::string broker, std::int32_t queues, std::int32_t perm = 6) {
    return queue_data{std::move(broker), queues, queues, perm, 0};
}

TEST_F(namesrv_route_table_test, a_registered_master_hosts_its_topics) {
    const auto result = table_.register_broker(master({topic("TopicA", 4), topic("TopicB", 8, 4)}), conn_a, t0_);
    EXPECT_EQ(result, (registration_result{std::nullopt, std::nullopt, true}));

    const auto route = table_.route("TopicB");
    ASSERT_TRUE(route);
    EXPECT_EQ(route->brokers, (std::vector<broker_data>{{"DefaultCluster", "broker-a", {{0, "10.0.0.1:10911"}}}}));
    EXPECT_EQ(route->queues, (std::vector<queue_data>{queue("broker-a", 8, 4)}));
    EXPECT_FALSE(table_.route("TopicC"));
    EXPECT_EQ(table_.topics(), (std::vector<std::string>{"TopicA", "TopicB"}));
    EXPECT_EQ(table_.topics_of_cluster("DefaultCluster"), (std::vector<std::string>{"TopicA", "TopicB"}));
    EXPECT_TRUE(table_.topics_of_cluster("Other").empty());

    const auto info = table_.clusters();
    EXPECT_EQ(info.clusters, (std::map<std::string, std::set<std::string>>{{"DefaultCluster", {"broker-a"}}}));
    ASSERT_EQ(info.brokers.size(), 1U);
    EXPECT_EQ(info.brokers.at("broker-a").broker_addrs, (std::map<std::int64_t, std::string>{{0, "10.0.0.1:10911"}}));
}

TEST_F(namesrv_route_table_test, topics_are_replaced_only_when_the_data_version_changes) {
    table_.register_broker(master({topic("Old", 4)}, 1), conn_a, t0_);
    // Same data version: the body is not looked at again (as Java).
    const auto again = table_.register_broker(master({topic("New", 2)}, 1), conn_a, t0_ + 30s);
    EXPECT_FALSE(again.new_address);
    EXPECT_TRUE(table_.route("Old"));
    EXPECT_FALSE(table_.route("New"));

    table_.register_broker(master({topic("New", 2)}, 2), conn_a, t0_ + 60s);
    EXPECT_FALSE(table_.route("Old"));
    ASSERT_TRUE(table_.route("New"));
    EXPECT_EQ(table_.route("New")->queues, (std::vector<queue_data>{queue("broker-a", 2)}));
}

TEST_F(namesrv_route_table_test, two_broker_names_share_a_topic) {
    table_.register_broker(master({topic("Shared", 4)}, 1, "broker-b", "10.0.0.2:10911"), conn_b, t0_);
    table_.register_broker(master({topic("Shared", 8)}), conn_a, t0_);
    const auto route = table_.route("Shared");
    ASSERT_TRUE(route);
    EXPECT_EQ(route->queues, (std::vector<queue_data>{queue("broker-a", 8), queue("broker-b", 4)}));
    ASSERT_EQ(route->brokers.size(), 2U);
    EXPECT_EQ(route->brokers[1].broker_addrs, (std::map<std::int64_t, std::string>{{0, "10.0.0.2:10911"}}));
}

TEST_F(namesrv_route_table_test, a_slave_learns_its_master_and_changes_no_queue_data) {
    const auto m = master({topic("TopicA", 4)});
    // Before its master registered, a slave learns nothing.
    auto slave = slave_of(m, "10.0.0.9:10911");
    slave.topics = {topic("SlaveOnly", 1)};
    EXPECT_EQ(table_.register_broker(slave, conn_b, t0_), (registration_result{std::nullopt, std::nullopt, true}));
    EXPECT_FALSE(table_.route("SlaveOnly"));

    table_.register_broker(m, conn_a, t0_);
    slave.version.counter = 9;
    EXPECT_EQ(table_.register_broker(slave, conn_b, t0_ + 30s),
              (registration_result{"10.0.0.1:10911", "10.0.0.1:10912", false}));
    const auto route = table_.route("TopicA");
    ASSERT_TRUE(route);
    EXPECT_EQ(route->brokers[0].broker_addrs,
              (std::map<std::int64_t, std::string>{{0, "10.0.0.1:10911"}, {1, "10.0.0.9:10911"}}));
    EXPECT_EQ(route->queues, (std::vector<queue_data>{queue("broker-a", 4)}));
    EXPECT_FALSE(table_.route("SlaveOnly"));
}

TEST_F(namesrv_route_table_test, a_promoted_slave_keeps_one_id_per_address) {
    const auto m = master({topic("TopicA", 4)});
    table_.register_broker(slave_of(m, "10.0.0.9:10911"), conn_b, t0_);
    auto promoted = master({topic("TopicA", 4)}, 5, "broker-a", "10.0.0.9:10911");
    table_.register_broker(promoted, conn_b, t0_ + 1s);
    EXPECT_EQ(table_.route("TopicA")->brokers[0].broker_addrs,
              (std::map<std::int64_t, std::string>{{0, "10.0.0.9:10911"}}));
}

TEST_F(namesrv_route_table_test, unregistering_the_last_address_removes_the_broker_and_its_routes) {
    const auto m = master({topic("TopicA", 4)});
    table_.register_broker(m, conn_a, t0_);
    table_.register_broker(slave_of(m, "10.0.0.9:10911"), conn_b, t0_);

    table_.unregister_broker("DefaultCluster", "broker-a", "10.0.0.1:10911", 0);
    auto route = table_.route("TopicA");
    ASSERT_TRUE(route); // the slave still serves reads
    EXPECT_EQ(route->brokers[0].broker_addrs, (std::map<std::int64_t, std::string>{{1, "10.0.0.9:10911"}}));

    table_.unregister_broker("DefaultCluster", "broker-a", "10.0.0.9:10911", 1);
    EXPECT_FALSE(table_.route("TopicA"));
    EXPECT_TRUE(table_.topics().empty());
    EXPECT_EQ(table_.clusters(), cluster_info{});
}

TEST_F(namesrv_route_table_test, brokers_expire_after_120_seconds_of_silence) {
    table_.register_broker(master({topic("TopicA", 4)}), conn_a, t0_);
    table_.register_broker(master({topic("TopicB", 4)}, 1, "broker-b", "10.0.0.2:10911"), conn_b, t0_ + 30s);
    table_.register_broker(master({topic("Local", 1)}, 1, "broker-local", "127.0.0.1:10911"), in_process, t0_);

    EXPECT_TRUE(table_.expire(t0_ + 120s).empty());
    const auto removed = table_.expire(t0_ + 120s + 1ms);
    EXPECT_EQ(removed, (std::vector<removed_broker>{{"DefaultCluster", "broker-a", "10.0.0.1:10911", 120s + 1ms}}));
    EXPECT_FALSE(table_.route("TopicA"));
    EXPECT_TRUE(table_.route("TopicB"));

    // A broker registered in-process has no network to fall silent on.
    EXPECT_EQ(table_.expire(t0_ + 1h).size(), 1U);
    EXPECT_TRUE(table_.route("Local"));
    EXPECT_EQ(table_.topics(), std::vector<std::string>{"Local"});
}

TEST_F(namesrv_route_table_test, a_closed_connection_takes_its_brokers_along) {
    table_.register_broker(master({topic("TopicA", 4)}), conn_a, t0_);
    table_.register_broker(master({topic("TopicB", 4)}, 1, "broker-b", "10.0.0.2:10911"), conn_b, t0_);

    EXPECT_TRUE(table_.connection_closed(99).empty());
    EXPECT_TRUE(table_.connection_closed(in_process).empty());
    const auto removed = table_.connection_closed(conn_a);
    EXPECT_EQ(removed, (std::vector<removed_broker>{{"DefaultCluster", "broker-a", "10.0.0.1:10911", {}}}));
    EXPECT_FALSE(table_.route("TopicA"));
    EXPECT_TRUE(table_.route("TopicB"));
    EXPECT_EQ(table_.clusters().clusters,
              (std::map<std::string, std::set<std::string>>{{"DefaultCluster", {"broker-b"}}}));
}

TEST_F(namesrv_route_table_test, data_version_queries_compare_and_refresh) {
    const auto m = master({topic("TopicA", 4)}, 3);
    EXPECT_TRUE(table_.data_version_changed(m.broker_addr, m.version));
    EXPECT_FALSE(table_.registered_version(m.broker_addr));
    table_.register_broker(m, conn_a, t0_);
    EXPECT_FALSE(table_.data_version_changed(m.broker_addr, m.version));
    EXPECT_TRUE(table_.data_version_changed(m.broker_addr, data_version{4, m.version.timestamp, 0}));
    EXPECT_EQ(table_.registered_version(m.broker_addr), m.version);

    table_.touch(m.broker_addr, t0_ + 100s);
    EXPECT_TRUE(table_.expire(t0_ + 200s).empty());
    EXPECT_EQ(table_.expire(t0_ + 221s).size(), 1U);
}

TEST_F(namesrv_route_table_test, delete_topic_forgets_its_queue_data_in_every_cluster_or_in_one) {
    table_.register_broker(master({topic("Shared", 4), topic("Kept", 4)}), conn_a, t0_);
    auto other = master({topic("Shared", 8)}, 1, "broker-b", "10.0.0.2:10911");
    other.cluster_name = "OtherCluster";
    table_.register_broker(other, conn_b, t0_);

    EXPECT_EQ(table_.delete_topic("Shared", "OtherCluster"), 1U);
    ASSERT_TRUE(table_.route("Shared"));
    EXPECT_EQ(table_.route("Shared")->queues, (std::vector<queue_data>{queue("broker-a", 4)}));
    EXPECT_EQ(table_.delete_topic("Shared", "NoSuchCluster"), 0U);
    EXPECT_EQ(table_.delete_topic("Shared"), 1U);
    EXPECT_FALSE(table_.route("Shared"));
    EXPECT_EQ(table_.topics(), (std::vector<std::string>{"Kept"}));
    EXPECT_EQ(table_.delete_topic("Shared"), 0U);
}

} // namespace
} // namespace gantry::namesrv::test
