#include <gtest/gtest.h>

#include <chrono>

#include "gantry/store/message_record.hpp"
#include "gantry/namesrv/name_server.hpp"
#include "gantry/namesrv/register_broker_body.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "namesrv_test_support.hpp"

namespace gantry::namesrv::test {
namespace {

namespace code = protocols::remoting::request_code;
namespace response_code = protocols::remoting::response_code;
using protocols::remoting::remoting_command;

class namesrv_name_server_test : public ::testing::Test {
protected:
    static constexpr connection_key conn_a = 11;

    remoting_command call(const remoting_command& r, connection_key channel = conn_a) {
        auto response = server_.handle(r, channel);
        EXPECT_TRUE(response) << "no answer to code " << r.code;
        if (!response) return {};
        EXPECT_TRUE(response->is_response());
        EXPECT_EQ(response->opaque, r.opaque);
        return *response;
    }

    remoting_command register_over(connection_key channel, const broker_registration& registration) {
        return call(make_register_broker_request(registration), channel);
    }

    remoting_command route(const std::string& topic) {
        return call(request(code::get_routeinfo_by_topic, {{"topic", topic}}));
    }

    name_server server_;
};

TEST_F(namesrv_name_server_test, codes_it_does_not_serve_get_nothing) {
    EXPECT_FALSE(server_.handle(request(code::send_message), conn_a));
    EXPECT_FALSE(server_.handle(request(code::heart_beat), conn_a));
    EXPECT_FALSE(server_.handle(request(99999), conn_a));
}

TEST_F(namesrv_name_server_test, route_and_cluster_info_are_byte_exact) {
    auto answer = register_over(conn_a, master({topic("TopicA", 4), topic("TBW102", 8, 7)}));
    EXPECT_EQ(answer.code, response_code::success);
    EXPECT_TRUE(answer.ext_fields.empty());
    EXPECT_TRUE(answer.body.empty());
    register_over(22, master({topic("TopicA", 2)}, 1, "broker-b", "10.0.0.2:10911"));

    answer = route("TopicA");
    ASSERT_EQ(answer.code, response_code::success) << answer.remark.value_or("");
    EXPECT_EQ(to_text(answer.body),
              R"({"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"broker-a",)"
              R"("cluster":"DefaultCluster","enableActingMaster":false},{"brokerAddrs":{"0":"10.0.0.2:10911"},)"
              R"("brokerName":"broker-b","cluster":"DefaultCluster","enableActingMaster":false}],)"
              R"("filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,)"
              R"("topicSysFlag":0,"writeQueueNums":4},{"brokerName":"broker-b","perm":6,"readQueueNums":2,)"
              R"("topicSysFlag":0,"writeQueueNums":2}]})");

    answer = call(request(code::get_broker_cluster_info));
    EXPECT_EQ(to_text(answer.body),
              R"({"brokerAddrTable":{"broker-a":{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"broker-a",)"
              R"("cluster":"DefaultCluster"},"broker-b":{"brokerAddrs":{"0":"10.0.0.2:10911"},)"
              R"("brokerName":"broker-b","cluster":"DefaultCluster"}},)"
              R"("clusterAddrTable":{"DefaultCluster":["broker-a","broker-b"]}})");

    answer = call(request(code::get_all_topic_list_from_nameserver));
    EXPECT_EQ(to_text(answer.body), R"({"topicList":["TBW102","TopicA"]})");
    answer = call(request(code::get_topics_by_cluster, {{"cluster", "DefaultCluster"}}));
    EXPECT_EQ(to_text(answer.body), R"({"topicList":["TBW102","TopicA"]})");
    answer = call(request(code::get_topics_by_cluster, {{"cluster", "Nope"}}));
    EXPECT_EQ(to_text(answer.body), R"({"topicList":[]})");

    answer = route("Missing");
    EXPECT_EQ(answer.code, response_code::topic_not_exist);
    EXPECT_EQ(answer.remark, "No topic route info in name server for the topic: Missing");
    EXPECT_TRUE(answer.body.empty());
}

TEST_F(namesrv_name_server_test, order_topic_config_reaches_routes_and_brokers) {
    server_.kv().put(order_topic_config_namespace, "TopicA", "broker-a:4");
    const auto answer = register_over(conn_a, master({topic("TopicA", 4)}));
    EXPECT_EQ(to_text(answer.body), R"({"table":{"TopicA":"broker-a:4"}})");
    EXPECT_EQ(to_text(route("TopicA").body),
              R"({"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"broker-a",)"
              R"("cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},)"
              R"("orderTopicConf":"broker-a:4","queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,)"
              R"("topicSysFlag":0,"writeQueueNums":4}]})");
}

TEST_F(namesrv_name_server_test, a_slave_is_told_its_master) {
    const auto m = master({topic("TopicA", 4)});
    register_over(conn_a, m);
    const auto answer = register_over(22, slave_of(m, "10.0.0.9:10911"));
    EXPECT_EQ(answer.code, response_code::success);
    EXPECT_EQ(answer.ext_fields, (protocols::remoting::ext_field_map{{"haServerAddr", "10.0.0.1:10912"},
                                                                     {"masterAddr", "10.0.0.1:10911"}}));
}

TEST_F(namesrv_name_server_test, register_broker_checks_crc_header_and_body) {
    auto r = make_register_broker_request(master({topic("TopicA", 4)}));
    auto bad_crc = r;
    bad_crc.set_ext("bodyCrc32", std::to_string(store::body_crc32(r.body) ^ 1));
    auto answer = call(bad_crc);
    EXPECT_EQ(answer.code, response_code::system_error);
    EXPECT_EQ(answer.remark, "crc32 not match");
    EXPECT_EQ(route("TopicA").code, response_code::topic_not_exist);

    auto no_name = r;
    no_name.ext_fields.erase("brokerName");
    answer = call(no_name);
    EXPECT_EQ(answer.code, response_code::system_error);
    EXPECT_EQ(answer.remark, "the request header field brokerName is missing");

    auto garbage = r;
    garbage.body = to_bytes("{oops");
    garbage.set_ext("bodyCrc32", "0"); // 0 = not checked
    answer = call(garbage);
    EXPECT_EQ(answer.code, response_code::system_error);
    EXPECT_EQ(answer.remark, "Failed to decode RegisterBrokerBody");

    // Without a body: registered, hosting nothing.
    auto empty = r;
    empty.body.clear();
    empty.ext_fields.erase("bodyCrc32");
    EXPECT_EQ(call(empty).code, response_code::success);
    EXPECT_EQ(route("TopicA").code, response_code::topic_not_exist);
    EXPECT_EQ(server_.routes().clusters().brokers.size(), 1U);
}

TEST_F(namesrv_name_server_test, unregister_and_closed_connections_remove_routes) {
    register_over(conn_a, master({topic("TopicA", 4)}));
    register_over(22, master({topic("TopicB", 4)}, 1, "broker-b", "10.0.0.2:10911"));
    auto answer = call(request(code::unregister_broker, {{"brokerName", "broker-a"},
                                                         {"brokerAddr", "10.0.0.1:10911"},
                                                         {"clusterName", "DefaultCluster"},
                                                         {"brokerId", "0"}}));
    EXPECT_EQ(answer.code, response_code::success);
    EXPECT_EQ(route("TopicA").code, response_code::topic_not_exist);
    server_.connection_closed(22);
    EXPECT_EQ(route("TopicB").code, response_code::topic_not_exist);
}

TEST_F(namesrv_name_server_test, in_process_brokers_stay_until_unregistered) {
    const auto result = server_.register_broker(master({topic("Local", 1)}));
    EXPECT_EQ(result, (registration_result{std::nullopt, std::nullopt, true}));
    EXPECT_TRUE(server_.expire_silent_brokers(std::chrono::steady_clock::now() + std::chrono::hours(1)).empty());
    EXPECT_EQ(route("Local").code, response_code::success);
}

TEST_F(namesrv_name_server_test, silent_brokers_expire) {
    register_over(conn_a, master({topic("TopicA", 4)}));
    const auto now = std::chrono::steady_clock::now();
    EXPECT_TRUE(server_.expire_silent_brokers(now + std::chrono::seconds(60)).empty());
    const auto removed = server_.expire_silent_brokers(now + std::chrono::seconds(121));
    ASSERT_EQ(removed.size(), 1U);
    EXPECT_EQ(removed[0].broker_addr, "10.0.0.1:10911");
    EXPECT_EQ(route("TopicA").code, response_code::topic_not_exist);
}

TEST_F(namesrv_name_server_test, kv_requests) {
    auto answer = call(request(code::put_kv_config, {{"namespace", "LMQ"}, {"key", "k"}, {"value", "v"}}));
    EXPECT_EQ(answer.code, response_code::success);
    answer = call(request(code::get_kv_config, {{"namespace", "LMQ"}, {"key", "k"}}));
    EXPECT_EQ(answer.code, response_code::success);
    EXPECT_EQ(answer.ext_fields, (protocols::remoting::ext_field_map{{"value", "v"}}));
    answer = call(request(code::get_kvlist_by_namespace, {{"namespace", "LMQ"}}));
    EXPECT_EQ(to_text(answer.body), R"({"table":{"k":"v"}})");

    answer = call(request(code::put_kv_config, {{"namespace", "LMQ"}, {"key", "k"}}));
    EXPECT_EQ(answer.code, response_code::system_error);
    EXPECT_EQ(answer.remark, "the request header field value is missing");

    answer = call(request(code::delete_kv_config, {{"namespace", "LMQ"}, {"key", "k"}}));
    EXPECT_EQ(answer.code, response_code::success);
    answer = call(request(code::get_kv_config, {{"namespace", "LMQ"}, {"key", "k"}}));
    EXPECT_EQ(answer.code, response_code::query_not_found);
    EXPECT_EQ(answer.remark, "No config item, Namespace: LMQ Key: k");
    answer = call(request(code::get_kvlist_by_namespace, {{"namespace", "Other"}}));
    EXPECT_EQ(answer.code, response_code::query_not_found);
    EXPECT_EQ(answer.remark, "No config item, Namespace: Other");
}

TEST_F(namesrv_name_server_test, query_data_version_answers_changed_and_the_registered_version) {
    const auto m = master({topic("TopicA", 4)}, 5);
    register_over(conn_a, m);
    const protocols::remoting::ext_field_map header{
        {"brokerName", "broker-a"}, {"brokerAddr", "10.0.0.1:10911"}, {"clusterName", "DefaultCluster"},
        {"brokerId", "0"}};
    auto answer = call(request(code::query_data_version, header, R"({"counter":5,"timestamp":1700000000000})"));
    EXPECT_EQ(answer.code, response_code::success);
    EXPECT_EQ(answer.ext_fields.at("changed"), "false");
    EXPECT_EQ(to_text(answer.body), R"({"counter":5,"timestamp":1700000000000})");
    answer = call(request(code::query_data_version, header, R"({"counter":6,"timestamp":1700000000000})"));
    EXPECT_EQ(answer.ext_fields.at("changed"), "true");
    answer = call(request(code::query_data_version, header, "nope"));
    EXPECT_EQ(answer.code, response_code::system_error);
    EXPECT_EQ(answer.remark, "Failed to decode DataVersion");
}

TEST_F(namesrv_name_server_test, delete_topic_in_namesrv_is_success_whether_or_not_a_broker_hosted_it) {
    register_over(conn_a, master({topic("Doomed", 4)}));
    ASSERT_EQ(route("Doomed").code, response_code::success);
    EXPECT_EQ(call(request(code::delete_topic_in_namesrv, {{"topic", "Doomed"}})).code, response_code::success);
    EXPECT_EQ(route("Doomed").code, response_code::topic_not_exist);
    EXPECT_EQ(call(request(code::delete_topic_in_namesrv, {{"topic", "Doomed"}, {"clusterName", "DefaultCluster"}})).code,
              response_code::success);
    EXPECT_EQ(call(request(code::delete_topic_in_namesrv)).code, response_code::system_error);
}

} // namespace
} // namespace gantry::namesrv::test
