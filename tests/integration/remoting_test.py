#!/usr/bin/python3
"""The RocketMQ remoting protocol against the real gantryd binary.

Usage: remoting_test.py GANTRYD [unittest arguments]
"""

import json
import os
import signal
import socket
import struct
import sys
import time
import unittest

import gantryd_harness as harness
from remoting_wire import remoting_client

SEND_MESSAGE_V2 = 310
PULL_MESSAGE = 11
GET_MAX_OFFSET = 30
SUCCESS = 0
REQUEST_CODE_NOT_SUPPORTED = 3


def record_bodies(records):
    """Bodies of concatenated commit-log records (IPv4 hosts, specs §3.1)."""
    bodies = []
    at = 0
    while at < len(records):
        total = struct.unpack(">i", records[at:at + 4])[0]
        body_length = struct.unpack(">i", records[at + 84:at + 88])[0]
        bodies.append(records[at + 88:at + 88 + body_length])
        at += total
    return bodies


class remoting_test(harness.gantryd_test_case):
    def start_broker(self):
        p = self.start()
        self.assertTrue(p.wait_until_serving(), "gantryd did not start:\n" + p.stderr())
        return p

    def send(self, client, topic, body, queue=0, tag="TagA"):
        properties = "TAGS\x01%s\x02UNIQ_KEY\x01ID-%s\x02WAIT\x01true" % (tag, body.decode())
        return client.request(SEND_MESSAGE_V2, {"a": "pg", "b": topic, "c": "TBW102", "d": "4", "e": str(queue),
                                                "f": "0", "g": str(int(time.time() * 1000)), "h": "0",
                                                "i": properties, "j": "0", "k": "false", "m": "false"}, body)

    def test_send_then_pull_round_trip(self):
        self.start_broker()
        client = remoting_client(self.port)
        try:
            for i in range(3):
                header, _ = self.send(client, "Orders", b"m%d" % i, queue=1)
                self.assertEqual(header["code"], SUCCESS, header)
                self.assertEqual(header["extFields"]["queueId"], "1")
                self.assertEqual(header["extFields"]["queueOffset"], str(i))
                self.assertEqual(len(header["extFields"]["msgId"]), 32)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                header, _ = client.request(GET_MAX_OFFSET, {"topic": "Orders", "queueId": "1"})
                if header["extFields"]["offset"] == "3":
                    break
                time.sleep(0.02)
            header, body = client.request(PULL_MESSAGE, {
                "consumerGroup": "cg", "topic": "Orders", "queueId": "1", "queueOffset": "0", "maxMsgNums": "32",
                "sysFlag": "4", "commitOffset": "0", "suspendTimeoutMillis": "0", "subscription": "*",
                "subVersion": "0", "expressionType": "TAG"})
            self.assertEqual(header["code"], SUCCESS, header)
            self.assertEqual(header["extFields"]["nextBeginOffset"], "3")
            self.assertEqual(record_bodies(body), [b"m0", b"m1", b"m2"])
        finally:
            client.close()

    def test_unknown_request_code_is_refused_politely(self):
        self.start_broker()
        client = remoting_client(self.port)
        try:
            header, _ = client.request(999, {})
            self.assertEqual(header["code"], REQUEST_CODE_NOT_SUPPORTED)
            self.assertIn("999", header.get("remark", ""))
        finally:
            client.close()

    def test_garbage_closes_that_connection_and_the_broker_keeps_serving(self):
        p = self.start_broker()
        bad = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        bad.sendall(struct.pack(">ii", 12, 100) + b"12345678")  # header longer than the frame
        bad.settimeout(5)
        self.assertEqual(bad.recv(16), b"", "the broker should close a malformed stream")
        bad.close()
        good = remoting_client(self.port)
        try:
            header, _ = self.send(good, "Still", b"ok")
            self.assertEqual(header["code"], SUCCESS, header)
        finally:
            good.close()
        self.assertIsNone(p.process.poll(), p.stderr())

    def test_port_in_use_stops_start_up_with_one_line(self):
        first = self.start_broker()
        second = self.start("--storePathRootDir", os.path.join(self.workdir, "other"), name="second",
                            port=self.port)
        status = second.wait()
        self.assertEqual(status, 2, second.stderr())
        self.assertIn("address already in use", second.stderr())
        self.assertIn(str(self.port), second.stderr())
        first.process.send_signal(signal.SIGTERM)
        self.assertEqual(first.wait(), 0, first.stderr())

    def test_acknowledged_sends_survive_a_restart(self):
        p = self.start_broker()
        client = remoting_client(self.port)
        try:
            for i in range(5):
                header, _ = self.send(client, "Durable", b"d%d" % i)
                self.assertEqual(header["code"], SUCCESS, header)
        finally:
            client.close()
        p.process.send_signal(signal.SIGKILL)
        p.wait()
        again = self.start(port=self.port, name="again")
        self.assertTrue(again.wait_until_serving(), again.stderr())
        client = remoting_client(self.port)
        try:
            header, body = client.request(PULL_MESSAGE, {
                "consumerGroup": "cg", "topic": "Durable", "queueId": "0", "queueOffset": "0", "maxMsgNums": "32",
                "sysFlag": "6", "commitOffset": "0", "suspendTimeoutMillis": "3000", "subscription": "*",
                "subVersion": "0", "expressionType": "TAG"})
            self.assertEqual(header["code"], SUCCESS, header)
            self.assertEqual(record_bodies(body), [b"d%d" % i for i in range(5)])
        finally:
            client.close()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    harness.GANTRYD = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0], *sys.argv[2:]], verbosity=2)
