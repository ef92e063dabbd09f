#!/usr/bin/python3
"""MQTT authentication and ACLs against the real gantryd: a password file
written by Debian's mosquitto_passwd and a mosquitto-style ACL file, both
reread on SIGHUP.

Usage: mqtt_auth_test.py GANTRYD [unittest arguments]
"""

import os
import signal
import subprocess
import time

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
        self.passwd = os.path.join(self.workdir, "passwd")
        for user, password in (("alice", "wonderland"), ("bob", "builder")):
            self.add_user(user, password, create=user == "alice")
        self.acl = os.path.join(self.workdir, "acl")
        with open(self.acl, "w") as f:
            f.write(ACL)
        self.broker = self.start_serving("--passwordFile", self.passwd, "--aclFile", self.acl,
                                         "--allowAnonymous", "false")

    def add_user(self, user, password, create=False):
        subprocess.run(["mosquitto_passwd", *(["-c"] if create else []), "-b", self.passwd, user, password],
                       check=True, capture_output=True, timeout=WAIT)

    def reload(self):
        """Sends gantryd SIGHUP and waits until it has reread both files."""
        done = "reloaded %s (aclFile)" % self.acl
        before = self.broker.stderr().count(done)
        os.kill(self.broker.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + WAIT
        while self.broker.stderr().count(done) == before:
            self.assertLess(time.monotonic(), deadline, "gantryd did not reload its files on SIGHUP")
            time.sleep(0.05)

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

    def test_sighup_rereads_both_files_and_keeps_the_old_one_when_the_new_one_is_broken(self):
        alice = self.connect("alice-2", "alice", "wonderland")
        self.assertEqual([g.value for g in alice.subscribe("bob/#")], [0x87])
        self.assertEqual(self.connack("c1", "carol", "secret"), 0x86)

        self.add_user("carol", "secret")
        with open(self.acl, "a") as f:
            f.write("user alice\ntopic read bob/#\n")
        self.reload()
        self.assertIn("reloaded %s (passwordFile)" % self.passwd, self.broker.stderr())
        self.assertEqual(self.connack("c2", "carol", "secret"), 0)
        self.assertEqual([g.value for g in alice.subscribe("bob/#")], [1])

        # A plain-text entry makes the whole new file unloadable.
        with open(self.passwd, "a") as f:
            f.write("dave:plaintext\n")
        self.reload()
        self.assertIn("(passwordFile): not reloaded, the previous file stays in force", self.broker.stderr())
        self.assertEqual(self.connack("c3", "carol", "secret"), 0)
        self.assertEqual(self.connack("d1", "dave", "plaintext"), 0x86)
        self.assertIsNone(self.broker.process.poll())


if __name__ == "__main__":
    harness.main("usage: mqtt_auth_test.py GANTRYD [unittest arguments]")
