#!/usr/bin/python3
"""An unmodified third-party RocketMQ client (npm's ali-ons, installed in
tests/clients/node by scripts/install-deps) against the real gantryd binary.

Usage: native_client_test.py GANTRYD [unittest arguments]

gantryd is the client's name server too (one-process mode). The JavaScript
client cannot send to a topic the name server does not know, so the topic is
created first by one SEND_MESSAGE_V2 from the hand-written client of
remoting_test.py (with a tag the JavaScript consumer does not subscribe to).
"""

import os
import subprocess
import time

import gantryd_harness as harness
from protocol_clients import SEND_MESSAGE_V2, SUCCESS
from remoting_wire import remoting_client

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_CLIENT_DIR = os.path.join(HERE, "..", "clients", "node")
NODE_TIMEOUT = 60.0  # seconds for the whole JavaScript run
TOPIC = "NativeClientTopic"
NODE = os.environ.get("GANTRY_NODE", "node")  # ctest passes the node it found


class native_client_test(harness.gantryd_test_case):
    def create_topic(self, topic):
        client = remoting_client(self.port)
        try:
            header, _ = client.request(SEND_MESSAGE_V2, {
                "a": "pg", "b": topic, "c": "TBW102", "d": "4", "e": "0", "f": "0",
                "g": str(int(time.time() * 1000)), "h": "0", "i": "TAGS\x01TopicCreation\x02WAIT\x01true",
                "j": "0", "k": "false", "m": "false"}, b"creates the topic")
            self.assertEqual(header["code"], SUCCESS, header)
        finally:
            client.close()

    def test_ali_ons_producer_and_consumer_round_trip(self):
        modules = os.path.join(NODE_CLIENT_DIR, "node_modules")
        self.assertTrue(os.path.isdir(os.path.join(modules, "ali-ons")),
                        "ali-ons is not installed in %s: run scripts/install-deps" % modules)
        p = self.start()
        self.assertTrue(p.wait_until_serving(), "gantryd did not start:\n" + p.stderr())
        self.create_topic(TOPIC)
        env = dict(os.environ, NODE_PATH=modules)
        try:
            run = subprocess.run([NODE, os.path.join(HERE, "native_client_test.js"), str(self.port), TOPIC],
                                 cwd=self.workdir, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                 timeout=NODE_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.fail("node still running after %ss\nstdout:\n%s\nstderr:\n%s\ngantryd:\n%s" % (
                NODE_TIMEOUT, (e.stdout or b"").decode(errors="replace"),
                (e.stderr or b"").decode(errors="replace"), p.stderr()))
        output = "stdout:\n%s\nstderr:\n%s" % (run.stdout.decode(errors="replace"),
                                                run.stderr.decode(errors="replace"))
        self.assertEqual(run.returncode, 0, "the JavaScript client failed\n%s\ngantryd:\n%s" % (output, p.stderr()))
        self.assertIn("native_client_test: PASS", output)
        self.assertIsNone(p.process.poll(), "gantryd stopped:\n" + p.stderr())


if __name__ == "__main__":
    harness.main(__doc__)
