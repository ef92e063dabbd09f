#!/usr/bin/python3
"""MQTT authentication and ACLs against the real gantryd: a password file
written by Debian's mosquitto_passwd and a mosquitto-style ACL file.

Usage: mqtt_auth_test.py GANTRYD [unittest arguments]
"""

import os
import queue
import subprocess
import sys
import threading
import unittest

import paho.mqtt.client as paho

import gantryd_harness as harness

WAIT = 10.0

ACL = """\
# alice reads and writes her own tree and reads the public one
user alice
topic readwrite alice/#
topic read public/#
# every client may write its own status
pattern write status/%c
"""


class authenticated_client:
    """A paho client that connects with a username and password and reports
    the CONNACK code instead of failing."""

    def __init__(self, port, client_id, username=None, password=None, version=5):
        self.client = paho.Client(client_id=client_id, protocol=paho.MQTTv5 if version == 5 else paho.MQTTv311)
        if username is not None:
            self.client.username_pw_set(username, password)
        self.codes = queue.Queue()
        self.subscribed = queue.Queue()
        self.published = queue.Queue()
        self.client.on_connect = lambda c, u, flags, rc, props=None: self.codes.put(int(rc.value if hasattr(rc, "value") else rc))
        self.client.on_subscribe = lambda c, u, mid, granted, props=None: self.subscribed.put(granted)
        self.client.on_publish = lambda c, u, mid, *rest: self.published.put(mid)
        self.client.connect("127.0.0.1", port, keepalive=30)
        self.client.loop_start()
        self.connack = self.codes.get(timeout=WAIT)

    def subscribe(self, topic_filter, qos=1):
        self.client.subscribe(topic_filter, qos)
        return [int(g.value if hasattr(g, "value") else g) for g in self.subscribed.get(timeout=WAIT)]

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


class mqtt_auth_test(harness.gantryd_test_case):
    def setUp(self):
        super().setUp()
        self.clients = []
        passwd = os.path.join(self.workdir, "passwd")
        for user, password in (("alice", "wonderland"), ("bob", "builder")):
            create = ["-c"] if user == "alice" else []
            subprocess.run(["mosquitto_passwd", *create, "-b", passwd, user, password],
                           check=True, capture_output=True, timeout=WAIT)
        acl = os.path.join(self.workdir, "acl")
        with open(acl, "w") as f:
            f.write(ACL)
        self.broker = self.start("--passwordFile", passwd, "--aclFile", acl, "--allowAnonymous", "false")
        self.assertTrue(self.broker.wait_for_log("MQTT on 127.0.0.1:%d" % self.mqtt_port), self.broker.stderr())

    def tearDown(self):
        for c in self.clients:
            c.close()
        super().tearDown()

    def connect(self, client_id, username=None, password=None, version=5):
        c = authenticated_client(self.mqtt_port, client_id, username, password, version)
        self.clients.append(c)
        return c

    def test_only_known_users_with_their_password_connect(self):
        self.assertEqual(self.connect("a1", "alice", "wonderland").connack, 0)
        self.assertEqual(self.connect("a2", "alice", "wrong").connack, 0x86)
        self.assertEqual(self.connect("a3", "mallory", "x").connack, 0x86)
        self.assertEqual(self.connect("a4").connack, 0x87)
        self.assertEqual(self.connect("a5", "alice", "wrong", version=3).connack, 4)
        self.assertEqual(self.connect("a6", version=3).connack, 5)
        self.assertIn("refusing MQTT connection", self.broker.stderr())

    def test_the_acl_decides_what_a_user_may_subscribe_and_publish(self):
        alice = self.connect("alice-1", "alice", "wonderland")
        self.assertEqual(alice.subscribe("alice/#"), [1])
        self.assertEqual(alice.subscribe("public/news"), [1])
        self.assertEqual(alice.subscribe("bob/#"), [0x87])
        bob3 = self.connect("bob-1", "bob", "builder", version=3)
        self.assertEqual(bob3.subscribe("alice/#"), [0x80])
        # bob may write only status/<his client id>: his publish to alice's tree is dropped.
        received = queue.Queue()
        alice.client.on_message = lambda c, u, msg: received.put((msg.topic, msg.payload))
        bob3.client.publish("alice/inbox", b"from bob", 1).wait_for_publish(WAIT)
        alice.client.publish("alice/inbox", b"from alice", 1).wait_for_publish(WAIT)
        self.assertEqual(received.get(timeout=WAIT), ("alice/inbox", b"from alice"))
        self.assertRaises(queue.Empty, received.get, timeout=0.5)
        self.assertIn("the ACL does not allow it", self.broker.stderr())


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: mqtt_auth_test.py GANTRYD [unittest arguments]")
    harness.GANTRYD = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0], *sys.argv[2:]], verbosity=2)
