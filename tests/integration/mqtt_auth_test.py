#!/usr/bin/python3
"""MQTT authentication and ACLs against the real gantryd: a password file
written by Debian's mosquitto_passwd and a mosquitto-style ACL file.

Usage: mqtt_auth_test.py GANTRYD [unittest arguments]
"""

import os
import subprocess

import gantryd_harness as harness
import protocol_clients as clients

WAIT = clients.WAIT

ACL = """\
# alice reads and writes her own tree and reads the public one
user alice
topic readwrite alice/#
topic read public/#
# every client may write its own status
pattern write status/%c
"""


class mqtt_auth_test(harness.gantryd_test_case):
    def setUp(self):
        super().setUp()
        passwd = os.path.join(self.workdir, "passwd")
        for user, password in (("alice", "wonderland"), ("bob", "builder")):
            create = ["-c"] if user == "alice" else []
            subprocess.run(["mosquitto_passwd", *create, "-b", passwd, user, password],
                           check=True, capture_output=True, timeout=WAIT)
        acl = os.path.join(self.workdir, "acl")
        with open(acl, "w") as f:
            f.write(ACL)
        self.broker = self.start_serving("--passwordFile", passwd, "--aclFile", acl, "--allowAnonymous", "false")

    def connect(self, client_id, username=None, password=None, version=5):
        c = clients.mqtt_client(self.mqtt_port, client_id, version, username=username, password=password)
        self.close_at_end(c.close)
        return c

    def connack(self, client_id, username=None, password=None, version=5):
        """The CONNACK code gantryd answers: 0 when it lets the client in."""
        try:
            self.connect(client_id, username, password, version)
        except clients.mqtt_refused as refused:
            return refused.code
        return 0

    def test_only_known_users_with_their_password_connect(self):
        self.assertEqual(self.connack("a1", "alice", "wonderland"), 0)
        self.assertEqual(self.connack("a2", "alice", "wrong"), 0x86)
        self.assertEqual(self.connack("a3", "mallory", "x"), 0x86)
        self.assertEqual(self.connack("a4"), 0x87)
        self.assertEqual(self.connack("a5", "alice", "wrong", version=3), 4)
        self.assertEqual(self.connack("a6", version=3), 5)
        self.assertIn("refusing MQTT connection", self.broker.stderr())

    def test_the_acl_decides_what_a_user_may_subscribe_and_publish(self):
        alice = self.connect("alice-1", "alice", "wonderland")
        self.assertEqual([g.value for g in alice.subscribe("alice/#")], [1])
        self.assertEqual([g.value for g in alice.subscribe("public/news")], [1])
        self.assertEqual([g.value for g in alice.subscribe("bob/#")], [0x87])
        bob3 = self.connect("bob-1", "bob", "builder", version=3)
        self.assertEqual(list(bob3.subscribe("alice/#")), [0x80])
        # bob may write only status/<his client id>: his publish to alice's tree is dropped.
        bob3.publish("alice/inbox", b"from bob", 1)
        alice.publish("alice/inbox", b"from alice", 1)
        message = alice.next_message()
        self.assertEqual((message.topic, message.payload), ("alice/inbox", b"from alice"))
        self.assertIsNone(alice.no_message(0.5))
        self.assertIn("the ACL does not allow it", self.broker.stderr())


if __name__ == "__main__":
    harness.main("usage: mqtt_auth_test.py GANTRYD [unittest arguments]")
