#!/usr/bin/python3
"""The RocketMQ name server against the real gantry-namesrv binary.

Usage: namesrv_test.py GANTRY_NAMESRV [unittest arguments]

A fake broker registers over a raw socket with REGISTER_BROKER frames built
by hand from the specification (JSON headers), independently of Gantry's
own codec; clients then ask for routes on other connections.
"""

import json
import os
import signal
import socket
import struct
import time
import zlib

import gantryd_harness as harness
from remoting_wire import remoting_client

PUT_KV_CONFIG = 100
GET_KV_CONFIG = 101
REGISTER_BROKER = 103
GET_ROUTEINFO_BY_TOPIC = 105
GET_BROKER_CLUSTER_INFO = 106
GET_KVLIST_BY_NAMESPACE = 219
SUCCESS = 0
SYSTEM_ERROR = 1
REQUEST_CODE_NOT_SUPPORTED = 3
TOPIC_NOT_EXIST = 17
QUERY_NOT_FOUND = 22
WAIT = 10.0  # seconds any single expectation may take


def register_body(topics):
    """A RegisterBrokerBody as a 4.9 Java broker writes it (fastjson, keys sorted)."""
    table = {t: {"order": False, "perm": 6, "readQueueNums": q, "topicFilterType": "SINGLE_TAG",
                 "topicName": t, "topicSysFlag": 0, "writeQueueNums": q} for t, q in topics.items()}
    body = {"filterServerList": [],
            "topicConfigSerializeWrapper": {"dataVersion": {"counter": 1, "timestamp": 1700000000000},
                                            "topicConfigTable": table}}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def register(client, broker_addr, topics, broker_name="broker-a", cluster="DefaultCluster"):
    body = register_body(topics)
    return client.request(REGISTER_BROKER, {
        "brokerName": broker_name, "brokerAddr": broker_addr, "clusterName": cluster,
        "haServerAddr": "127.0.0.1:10912", "brokerId": "0", "compressed": "false",
        "bodyCrc32": str(zlib.crc32(body) & 0x7FFFFFFF)}, body)


def route(client, topic):
    return client.request(GET_ROUTEINFO_BY_TOPIC, {"topic": topic})


class namesrv_test(harness.gantryd_test_case):
    def start_namesrv(self, *args, name="namesrv", port=None):
        p = self.start(*args, name=name, port=port, program=harness.GANTRYD)
        self.assertTrue(p.wait_for_log("gantry-namesrv listening on 127.0.0.1:%d" % self.port),
                        "gantry-namesrv did not start:\n" + p.stderr())
        return p

    def connect(self):
        client = remoting_client(self.port)
        self.close_at_end(client.close)
        return client

    def test_registered_broker_has_routes_and_cluster_info(self):
        self.start_namesrv()
        broker = self.connect()
        header, body = register(broker, "127.0.0.1:10911", {"TopicA": 4, "TopicB": 8})
        self.assertEqual(header["code"], SUCCESS, header)
        self.assertEqual(body, b"")
        self.assertNotIn("masterAddr", header.get("extFields", {}))

        client = self.connect()
        header, body = route(client, "TopicA")
        self.assertEqual(header["code"], SUCCESS, header)
        self.assertEqual(body, b'{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911"},"brokerName":"broker-a",'
                               b'"cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},'
                               b'"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,'
                               b'"topicSysFlag":0,"writeQueueNums":4}]}')
        header, body = client.request(GET_BROKER_CLUSTER_INFO, {})
        self.assertEqual(header["code"], SUCCESS, header)
        self.assertEqual(body, b'{"brokerAddrTable":{"broker-a":{"brokerAddrs":{"0":"127.0.0.1:10911"},'
                               b'"brokerName":"broker-a","cluster":"DefaultCluster"}},'
                               b'"clusterAddrTable":{"DefaultCluster":["broker-a"]}}')
        header, body = route(client, "NoSuchTopic")
        self.assertEqual(header["code"], TOPIC_NOT_EXIST, header)
        self.assertEqual(header["remark"], "No topic route info in name server for the topic: NoSuchTopic")

    def test_corrupted_register_body_is_refused(self):
        self.start_namesrv()
        broker = self.connect()
        body = register_body({"TopicA": 4})
        header, _ = broker.request(REGISTER_BROKER, {
            "brokerName": "broker-a", "brokerAddr": "127.0.0.1:10911", "clusterName": "DefaultCluster",
            "haServerAddr": "127.0.0.1:10912", "brokerId": "0",
            "bodyCrc32": str((zlib.crc32(body) + 1) & 0x7FFFFFFF)}, body)
        self.assertEqual((header["code"], header["remark"]), (SYSTEM_ERROR, "crc32 not match"))
        header, _ = route(broker, "TopicA")
        self.assertEqual(header["code"], TOPIC_NOT_EXIST, header)

    def test_kv_config_put_get_and_survives_a_restart(self):
        p = self.start_namesrv()
        client = self.connect()
        header, _ = client.request(PUT_KV_CONFIG, {"namespace": "LMQ", "key": "ALL_FIRST_TOPICS", "value": "t1,t2"})
        self.assertEqual(header["code"], SUCCESS, header)
        header, _ = client.request(GET_KV_CONFIG, {"namespace": "LMQ", "key": "ALL_FIRST_TOPICS"})
        self.assertEqual((header["code"], header["extFields"]["value"]), (SUCCESS, "t1,t2"))
        header, _ = client.request(GET_KV_CONFIG, {"namespace": "LMQ", "key": "missing"})
        self.assertEqual((header["code"], header["remark"]),
                         (QUERY_NOT_FOUND, "No config item, Namespace: LMQ Key: missing"))
        client.close()

        p.process.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(), 0, p.stderr())
        self.assertIn("stopped cleanly", p.stderr())
        with open(os.path.join(self.workdir, "data", "namesrv", "kvConfig.json"), encoding="utf-8") as f:
            self.assertEqual(f.read(), '{"configTable":{"LMQ":{"ALL_FIRST_TOPICS":"t1,t2"}}}')

        self.start_namesrv(name="restarted")
        client = self.connect()
        header, body = client.request(GET_KVLIST_BY_NAMESPACE, {"namespace": "LMQ"})
        self.assertEqual(header["code"], SUCCESS, header)
        self.assertEqual(body, b'{"table":{"ALL_FIRST_TOPICS":"t1,t2"}}')

    def test_closing_the_registering_connection_removes_its_routes(self):
        self.start_namesrv()
        broker = self.connect()
        header, _ = register(broker, "127.0.0.1:10911", {"Gone": 2})
        self.assertEqual(header["code"], SUCCESS, header)
        client = self.connect()
        self.assertEqual(route(client, "Gone")[0]["code"], SUCCESS)
        broker.close()
        deadline = time.monotonic() + WAIT
        while route(client, "Gone")[0]["code"] == SUCCESS:
            self.assertLess(time.monotonic(), deadline, "the route outlived its broker's connection")
            time.sleep(0.05)
        header, body = client.request(GET_BROKER_CLUSTER_INFO, {})
        self.assertEqual(body, b'{"brokerAddrTable":{},"clusterAddrTable":{}}')

    def test_garbage_closes_that_connection_and_the_server_keeps_serving(self):
        p = self.start_namesrv()
        good = self.connect()
        self.assertEqual(register(good, "127.0.0.1:10911", {"Kept": 1})[0]["code"], SUCCESS)
        bad = socket.create_connection(("127.0.0.1", self.port), timeout=WAIT)
        self.close_at_end(bad.close)
        bad.sendall(struct.pack(">ii", 12, 100) + b"12345678")  # header longer than the frame
        self.assertEqual(bad.recv(16), b"", "the name server should close a malformed stream")
        header, _ = route(good, "Kept")
        self.assertEqual(header["code"], SUCCESS, header)
        self.assertIsNone(p.process.poll(), p.stderr())
        self.assertIn("closing the name-server connection from 127.0.0.1:", p.stderr())

    def test_unknown_request_code_is_refused_politely(self):
        self.start_namesrv()
        client = self.connect()
        header, _ = client.request(10, {}, language="CPP")
        self.assertEqual((header["code"], header["remark"]), (REQUEST_CODE_NOT_SUPPORTED,
                                                               " request type 10 not supported"))

    def test_one_way_requests_get_no_reply(self):
        self.start_namesrv()
        client = self.connect()
        header = json.dumps({"code": PUT_KV_CONFIG, "language": "JAVA", "version": 409, "opaque": 100,
                             "flag": 2, "extFields": {"namespace": "N", "key": "k", "value": "v"}}).encode()
        client.sock.sendall(struct.pack(">ii", 4 + len(header), len(header)) + header)
        # The next frame to arrive answers the GET, not the one-way PUT.
        header, _ = client.request(GET_KV_CONFIG, {"namespace": "N", "key": "k"})
        self.assertEqual((header["code"], header["extFields"]["value"]), (SUCCESS, "v"))

    def test_cpp_clients_get_json_replies_to_binary_headers(self):
        self.start_namesrv()
        client = self.connect()
        ext = b""
        for key, value in ((b"namespace", b"N"), (b"key", b"k")):
            ext += struct.pack(">h", len(key)) + key + struct.pack(">i", len(value)) + value
        language_cpp = 1
        header = struct.pack(">hbhiii", GET_KV_CONFIG, language_cpp, 333, 5, 0, 0) + struct.pack(">i", len(ext)) + ext
        client.sock.sendall(struct.pack(">ii", 4 + len(header), (1 << 24) | len(header)) + header)
        length = struct.unpack(">i", client.read(4))[0]
        frame = client.read(length)
        word = struct.unpack(">i", frame[:4])[0]
        self.assertEqual(word >> 24, 0, "a CPP client needs a JSON header")
        answer = json.loads(frame[4:4 + (word & 0xFFFFFF)])
        self.assertEqual((answer["code"], answer["opaque"]), (QUERY_NOT_FOUND, 5), answer)

    def test_port_in_use_stops_start_up_with_one_line(self):
        first = self.start_namesrv()
        second = self.start(name="second", port=self.port, program=harness.GANTRYD)
        self.assertEqual(second.wait(), 2, second.stderr())
        self.assertEqual(second.stderr().strip().count("\n"), 0, second.stderr())
        self.assertIn("address already in use; stop the other process or set --listenPort", second.stderr())
        first.process.send_signal(signal.SIGINT)
        self.assertEqual(first.wait(), 0, first.stderr())

    def test_corrupt_kv_config_file_is_named(self):
        path = os.path.join(self.workdir, "kv.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"configTable":')
        p = self.start("--kvConfigPath", path, program=harness.GANTRYD)
        self.assertEqual(p.wait(), 2, p.stderr())
        self.assertIn("the KV config file '%s' (kvConfigPath) is corrupt" % path, p.stderr())


if __name__ == "__main__":
    harness.main(__doc__)
