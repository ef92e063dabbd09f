#!/usr/bin/python3
"""The gantry command-line tool (and through it the native C++ client)
against the real gantryd, in one-process mode and behind gantry-namesrv.

Usage: tool_test.py GANTRYD [unittest arguments]
"""

import os
import re
import subprocess
import time

import gantryd_harness as harness
import protocol_clients as clients

TOOL_TIMEOUT = 30.0


class tool_test(harness.gantryd_test_case):
    def gantry(self, *args, stdin=None, expect=0, namesrv=None):
        """Runs `gantry` against this test's broker; returns stdout."""
        tool = harness.sibling_program("gantry")
        address = namesrv or "127.0.0.1:%d" % self.port
        done = subprocess.run([tool, "-n", address, *args], input=stdin, capture_output=True, text=True,
                              timeout=TOOL_TIMEOUT)
        self.assertEqual(done.returncode, expect, "gantry %s:\nstdout:\n%s\nstderr:\n%s" %
                         (" ".join(args), done.stdout, done.stderr))
        self.last_stderr = done.stderr
        return done.stdout

    def start_broker(self, *args):
        return self.start_serving("--storePathRootDir", os.path.join(self.workdir, "data"), *args)

    def test_topics_produce_consume_and_lag_in_one_process_mode(self):
        self.start_broker()
        self.assertIn("DefaultCluster", self.gantry("cluster", "list"))
        self.assertIn("4 queues on 1 broker", self.gantry("topic", "create", "Orders", "-q", "4"))
        self.assertIn("Orders", self.gantry("topic", "list").split())
        sent = self.gantry("produce", "Orders", "first", "second", "--tags", "new", "--keys", "k1 k2",
                           "-p", "color=red")
        self.assertEqual(len(sent.splitlines()), 2)
        self.gantry("produce", "Orders", "--tags", "old", stdin="third\nfourth\n")
        # Queue offsets count a message once the dispatcher indexed it, just after its SEND was answered.
        deadline = time.monotonic() + 5
        while True:
            describe = self.gantry("topic", "describe", "Orders")
            stored = sum(int(line.split()[3]) for line in describe.splitlines() if line.startswith("broker-a "))
            if stored == 4 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(stored, 4, describe)

        only_new = self.gantry("consume", "Orders", "-g", "g1", "--from", "first", "--filter", "new",
                               "--idle", "2", "--properties")
        bodies = re.findall(r"keys '[^']*': (\w+)", only_new)
        self.assertEqual(sorted(bodies), ["first", "second"])
        self.assertIn("color = red", only_new)
        lag = self.gantry("group", "describe", "-g", "g1", "-t", "Orders")
        self.assertIn("total lag: 0", lag)

        self.gantry("offset", "reset", "-g", "g1", "-t", "Orders", "--to", "first")
        self.assertIn("total lag: 4", self.gantry("group", "describe", "-g", "g1", "-t", "Orders"))
        again = self.gantry("consume", "Orders", "-g", "g1", "-c", "4", "--idle", "5")
        self.assertEqual(len(again.strip().splitlines()), 4)

    def test_messages_are_found_by_offset_id_msg_id_and_key(self):
        self.start_broker()
        self.gantry("topic", "create", "Lookups", "-q", "2")
        msg_id, offset_id = self.gantry("produce", "Lookups", "payload-1", "--keys", "order-17").split()[:2]
        by_offset = self.gantry("message", "get", offset_id)
        self.assertIn("body (9 bytes): payload-1", by_offset)
        self.assertIn(msg_id, by_offset)
        self.assertIn(offset_id, self.gantry("message", "get", msg_id, "--topic", "Lookups"))
        self.assertIn("payload-1", self.gantry("message", "query", "-t", "Lookups", "-k", "order-17"))
        self.assertEqual(self.gantry("message", "query", "-t", "Lookups", "-k", "nothing"), "")
        self.gantry("message", "get", "NOT-AN-ID", expect=1)
        self.assertIn("not an offset message id", self.last_stderr)

    def test_a_compressed_body_is_shown_inflated(self):
        self.start_broker()
        body = b"".join(b"row %d of a body past RocketMQ's 4 KiB compression threshold\n" % i for i in range(100))
        offset_id = clients.send_compressed(self.port, "Packed", body, "t")
        shown = self.gantry("message", "get", offset_id)
        self.assertIn("body (%d bytes): row 0 of a body" % len(body), shown)
        self.assertIn("row 99 of a body", self.gantry("consume", "Packed", "--from", "first", "-c", "1", "--idle", "5"))

    def test_offset_reset_by_time_replays_only_what_came_later(self):
        self.start_broker()
        self.gantry("topic", "create", "Timed", "-q", "1")
        self.gantry("produce", "Timed", "before")
        time.sleep(0.05)
        cut = int(time.time() * 1000)
        time.sleep(0.05)
        self.gantry("produce", "Timed", "after")
        self.gantry("consume", "Timed", "-g", "g2", "--from", "first", "-c", "2", "--idle", "5")
        self.gantry("offset", "reset", "-g", "g2", "-t", "Timed", "--to", str(cut))
        replay = self.gantry("consume", "Timed", "-g", "g2", "--idle", "2")
        self.assertEqual(re.findall(r": (\w+)$", replay, re.M), ["after"])

    def test_broker_registers_with_gantry_namesrv_and_unregisters_at_stop(self):
        namesrv = self.start("--kvConfigPath", os.path.join(self.workdir, "kv.json"), name="namesrv",
                             program=harness.sibling_program("gantry-namesrv"))
        self.assertTrue(namesrv.wait_for_log("listening"), namesrv.stderr())
        ns = "127.0.0.1:%d" % self.port
        broker = self.start_broker("--namesrvAddr", ns)
        self.assertTrue(broker.wait_for_log("registered broker-a"), broker.stderr())
        self.assertIn("127.0.0.1:%d" % self.port, self.gantry("cluster", "list", namesrv=ns))
        # The broker answers UPDATE_AND_CREATE_TOPIC once the name server knows
        # the topic, so it is routable at once.
        self.gantry("topic", "create", "ViaNamesrv", "-q", "1", namesrv=ns)
        self.assertIn("1 read / 1 write queues", self.gantry("topic", "describe", "ViaNamesrv", namesrv=ns))
        self.gantry("produce", "ViaNamesrv", "hello", namesrv=ns)
        self.assertIn(": hello", self.gantry("consume", "ViaNamesrv", "-c", "1", "--from", "first", namesrv=ns))
        broker.process.terminate()
        self.assertEqual(broker.wait(), 0, broker.stderr())
        self.assertTrue(namesrv.wait_for_log("unregistered", timeout=5), namesrv.stderr())
        self.assertNotIn("broker-a", self.gantry("cluster", "list", namesrv=ns))

    def test_topic_delete_behind_gantry_namesrv(self):
        namesrv = self.start("--kvConfigPath", os.path.join(self.workdir, "kv.json"), name="namesrv",
                             program=harness.sibling_program("gantry-namesrv"))
        self.assertTrue(namesrv.wait_for_log("listening"), namesrv.stderr())
        ns = "127.0.0.1:%d" % self.port
        broker = self.start_broker("--namesrvAddr", ns, "--autoCreateTopicEnable", "false")
        self.assertTrue(broker.wait_for_log("registered broker-a"), broker.stderr())
        self.gantry("topic", "create", "Doomed", "-q", "1", namesrv=ns)
        self.gantry("produce", "Doomed", "hello", namesrv=ns)
        self.assertIn("topic Doomed deleted on 1 broker(s) and 1 name server(s)",
                      self.gantry("topic", "delete", "-t", "Doomed", namesrv=ns))
        self.assertNotIn("Doomed", self.gantry("topic", "list", namesrv=ns).split())
        self.gantry("produce", "Doomed", "again", namesrv=ns, expect=1)
        self.assertIn("TOPIC_NOT_EXIST", self.last_stderr)
        self.gantry("topic", "delete", "-t", "Doomed", namesrv=ns, expect=1)
        self.assertRegex(self.last_stderr, r"^gantry: cannot delete topic Doomed: TOPIC_NOT_EXIST \(17\)\n$")
        self.assertIn("topic Doomed deleted", namesrv.stderr() + broker.stderr())

    def test_errors_are_one_line_and_a_non_zero_exit(self):
        self.start_broker("--autoCreateTopicEnable", "false")
        self.gantry("consume", "NoSuchTopic", "--idle", "1", expect=1)
        self.assertRegex(self.last_stderr, r"^gantry: cannot read the route of NoSuchTopic: TOPIC_NOT_EXIST \(17\)\n$")
        self.port = harness.free_port()
        self.gantry("--timeout", "1000", "topic", "list", expect=1)
        self.assertIn("--namesrv", self.last_stderr)
        self.assertEqual(len(self.last_stderr.splitlines()), 1)

    def test_bench_produce_and_consume_report_progress_and_a_summary(self):
        self.start_broker()
        produced = self.gantry("bench", "produce", "-t", "Bench", "-c", "3000", "-s", "100", "-d", "20")
        summary = [line for line in produced.splitlines() if line.startswith("summary")]
        self.assertEqual(len(summary), 1, produced)
        self.assertIn("messages 3000  errors 0", summary[0])
        consumed = self.gantry("bench", "consume", "-t", "Bench", "--from", "first", "-c", "3000", "-d", "20")
        self.assertRegex(consumed, r"summary consume .* messages 3000  errors 0")


if __name__ == "__main__":
    harness.main("usage: tool_test.py GANTRYD [unittest arguments]")
