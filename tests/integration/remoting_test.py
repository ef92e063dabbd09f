#!/usr/bin/python3
"""The RocketMQ remoting protocol against the real gantryd binary.

Usage: remoting_test.py GANTRYD [unittest arguments]
"""

import os
import signal
import socket
import struct
import time

import gantryd_harness as harness
import protocol_clients as clients
from remoting_wire import remoting_client

GET_MAX_OFFSET = 30
REQUEST_CODE_NOT_SUPPORTED = 3


class remoting_test(harness.gantryd_test_case):
    def start_broker(self):
        return self.start_serving()

    def send(self, client, topic, body, queue=0, tag="TagA"):
        properties = [("TAGS", tag), ("UNIQ_KEY", "ID-" + body.decode()), ("WAIT", "true")]
        return clients.send_message(client, topic, body, properties, queue, producer_group="pg")

    def test_send_then_pull_round_trip(self):
        self.start_broker()
        client = remoting_client(self.port)
        try:
            for i in range(3):
                header, _ = self.send(client, "Orders", b"m%d" % i, queue=1)
                self.assertEqual(header["code"], clients.SUCCESS, header)
                self.assertEqual(header["extFields"]["queueId"], "1")
                self.assertEqual(header["extFields"]["queueOffset"], str(i))
                self.assertEqual(len(header["extFields"]["msgId"]), 32)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                header, _ = client.request(GET_MAX_OFFSET, {"topic": "Orders", "queueId": "1"})
                if header["extFields"]["offset"] == "3":
                    break
                time.sleep(0.02)
            header, body = clients.pull_message(client, "Orders", 1, "cg")
            self.assertEqual(header["code"], clients.SUCCESS, header)
            self.assertEqual(header["extFields"]["nextBeginOffset"], "3")
            self.assertEqual([r["body"] for r in clients.decode_records(body)], [b"m0", b"m1", b"m2"])
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
            self.assertEqual(header["code"], clients.SUCCESS, header)
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
                self.assertEqual(header["code"], clients.SUCCESS, header)
        finally:
            client.close()
        p.process.send_signal(signal.SIGKILL)
        p.wait()
        self.start_serving(port=self.port, name="again")
        client = remoting_client(self.port)
        try:
            header, body = clients.pull_message(client, "Durable", 0, "cg", sys_flag=6, suspend_ms=3000)
            self.assertEqual(header["code"], clients.SUCCESS, header)
            self.assertEqual([r["body"] for r in clients.decode_records(body)], [b"d%d" % i for i in range(5)])
        finally:
            client.close()


if __name__ == "__main__":
    harness.main(__doc__)
