#!/usr/bin/python3
"""MQTT bridges (issue #9) between the real gantryd and Debian's Mosquitto,
and between two gantryd, all on loopback.

Usage: bridge_test.py GANTRYD [unittest arguments]

Each test writes its own gantry.toml with a [[bridge]] entry and its own
mosquitto.conf, starts both brokers on free ports, and drives them with
python3-paho-mqtt (only under /usr/bin/python3). Every wait is bounded, and
only the processes started here are stopped, by PID.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import paho.mqtt.client as paho

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

import certificates
import gantryd_harness as harness
import protocol_clients as clients

WAIT = 10.0


class mosquitto_broker:
    """Debian's mosquitto on a loopback port with a generated configuration;
    stopped (or killed) by PID and started again on the same port and files."""

    def __init__(self, workdir, port, name="mosquitto", extra=""):
        self.port = port
        self.conf = os.path.join(workdir, name + ".conf")
        self.log = os.path.join(workdir, name + ".log")
        with open(self.conf, "w") as f:
            f.write("listener %d 127.0.0.1\nallow_anonymous true\n" % port)
            # Nothing dropped for slow or offline subscribers, as Gantry drops nothing.
            f.write("max_queued_messages 0\nmax_inflight_messages 0\n")
            f.write("persistence true\npersistence_location %s/\n" % workdir)
            if os.geteuid() == 0:
                # Else it runs as user mosquitto, who cannot write the test's folder.
                f.write("user root\n")
            f.write(extra)
        self.process = None
        self.log_file = None
        self.start()

    def start(self):
        self.log_file = open(self.log, "ab")
        self.process = subprocess.Popen(["mosquitto", "-c", self.conf], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=self.log_file)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop(kill=True)  # the constructor raises: no caller gets the object to stop it
        raise RuntimeError("mosquitto did not start on %d: %s" % (self.port, open(self.log).read()[-2000:]))

    def stop(self, kill=False):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log_file:
            self.log_file.close()
            self.log_file = None


def read_mqtt_packet(sock):
    """(first byte, body) of the next MQTT packet on `sock`."""
    def exactly(n):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise EOFError("the bridge closed the connection")
            data += chunk
        return data
    first = exactly(1)[0]
    length, shift = 0, 0
    while True:
        b = exactly(1)[0]
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return first, exactly(length)


class scripted_remote:
    """A remote MQTT 5.0 broker played by the test a packet at a time, for
    what a real one cannot be made to do on cue (lose the link at a chosen
    packet)."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.server.settimeout(WAIT)
        self.port = self.server.getsockname()[1]

    def accept(self, session_present):
        """The bridge's next connection, its CONNECT answered."""
        link, _ = self.server.accept()
        link.settimeout(WAIT)
        assert read_mqtt_packet(link)[0] == 0x10, "expected CONNECT"
        link.sendall(bytes([0x20, 3, 1 if session_present else 0, 0, 0]))  # CONNACK, no properties
        return link

    def close(self):
        self.server.close()


def bridge_entry(name, port, topics, **keys):
    """One [[bridge]] table of gantry.toml."""
    lines = ["[[bridge]]", 'name = "%s"' % name, 'type = "mqtt"', 'addresses = ["127.0.0.1:%d"]' % port,
             "reconnectMin = 200", "reconnectMax = 1000"]
    lines.append("topics = [%s]" % ", ".join("'%s'" % t for t in topics))  # literal strings: a line may hold ""
    for key, value in keys.items():
        lines.append("%s = %s" % (key, '"%s"' % value if isinstance(value, str) else str(value).lower()))
    return "\n".join(lines) + "\n"


class stream_checks:
    """A QoS 1 stream published to gantryd's MQTT listener (self.mqtt_port),
    and the checks that every message of it arrived, in order."""

    def stream(self, topic, count):
        """Publishes `count` QoS 1 messages "0", "1", ... to gantryd from one
        paho client, many in flight at once, in a thread of its own; join it."""
        publisher = paho.Client(client_id="stream-pub", protocol=paho.MQTTv311)
        publisher.max_inflight_messages_set(200)
        publisher.max_queued_messages_set(0)
        publisher.connect("127.0.0.1", self.mqtt_port, keepalive=30)
        publisher.loop_start()
        failures = []

        def publish_all():
            try:
                infos = [publisher.publish(topic, b"%d" % i, 1) for i in range(count)]
                for info in infos:
                    info.wait_for_publish(60)
                    if not info.is_published():
                        failures.append("gantryd did not acknowledge message %d" % info.mid)
                        break
            finally:
                publisher.disconnect()
                publisher.loop_stop()
        thread = threading.Thread(target=publish_all)
        thread.start()
        return thread, failures

    def wait_for_count(self, received, count, timeout):
        deadline = time.monotonic() + timeout
        while len(received) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    def assert_all_arrived_in_order(self, received, count, timeout):
        """Every message of 0..count-1 came, first copies in order; the
        duplicates (sent again after a failure) are counted and reported."""
        deadline = time.monotonic() + timeout
        while len(set(received)) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        first = list(dict.fromkeys(received))
        missing = count - len(first)
        print("\n%d messages, %d received, %d duplicates, %d missing" %
              (count, len(received), len(received) - len(first), missing), file=sys.stderr)
        self.assertEqual(missing, 0, "lost: %s" % sorted(set(range(count)) - set(first))[:20])
        self.assertEqual(first, sorted(first), "out of order")


class bridge_test(stream_checks, harness.gantryd_test_case):
    def setUp(self):
        super().setUp()
        self.mosquitto = mosquitto_broker(self.workdir, harness.free_port())
        self.addCleanup(self.mosquitto.stop)

    def start_gantry(self, *entries, data="data", name="gantryd"):
        conf = os.path.join(self.workdir, name + ".toml")
        with open(conf, "w") as f:
            f.write("\n".join(entries))
        return self.start_serving("-c", conf, "--storePathRootDir", os.path.join(self.workdir, data), name=name)

    def wait_connected(self, broker, bridge):
        self.assertTrue(broker.wait_for_log("bridge '%s' connected" % bridge, WAIT),
                        "bridge %s did not connect:\n%s" % (bridge, broker.stderr()[-3000:]))

    def client(self, port, client_id, version=5, **session):
        c = clients.mqtt_client(port, client_id, version, **session)
        self.close_at_end(c.close)
        return c

    def start_with_the_remote_down(self, subscriber, remote_filter, bridge, rule):
        """A persistent subscriber to `remote_filter` on Mosquitto, then
        Mosquitto goes away and gantryd starts with bridge `bridge` and its
        `rule`; returns gantryd and a client publishing to it."""
        away = self.client(self.mosquitto.port, subscriber, 3, clean=False)
        away.subscribe(remote_filter, 1)
        away.close()
        self.mosquitto.stop()
        gantry = self.start_gantry(bridge_entry(bridge, self.mosquitto.port, [rule]))
        self.assertTrue(gantry.wait_for_log("bridge '%s': cannot connect" % bridge, WAIT), gantry.stderr())
        return gantry, self.client(self.mqtt_port, "local-pub")

    # --- directions, QoS, prefixes --------------------------------------------

    def test_out_rule_sends_local_messages_with_prefix_rewriting_at_each_qos(self):
        gantry = self.start_gantry(bridge_entry("site", self.mosquitto.port, ["x/# out 2 factory/ site1/"]))
        self.wait_connected(gantry, "site")
        remote = self.client(self.mosquitto.port, "remote-sub")
        remote.subscribe("site1/#", 2)
        local = self.client(self.mqtt_port, "local-pub")
        for qos in (0, 1, 2):
            local.publish("factory/x/q%d" % qos, b"out at %d" % qos, qos)
            got = remote.next_message()
            self.assertEqual((got.topic, got.payload, got.qos), ("site1/x/q%d" % qos, b"out at %d" % qos, qos))
        local.publish("factory/y", b"not bridged", 1)  # outside the rule's pattern
        self.assertIsNone(remote.no_message(1.0))

    def test_an_out_rule_for_every_topic_sends_what_was_published_before_the_link_came_up(self):
        # Mosquitto's most common bridge line, "topic # out 1". The remote is
        # down at first: what is published meanwhile, in topics made then,
        # waits for the link.
        gantry, local = self.start_with_the_remote_down("all-sub", "site1/#", "all", "# out 1 \"\" site1/")
        local.publish("plant/a", b"while down", 1)
        local.publish("other/b/c", b"in another topic", 1)
        self.mosquitto.start()
        self.wait_connected(gantry, "all")
        back = self.client(self.mosquitto.port, "all-sub", 3, clean=False)
        local.publish("plant/a", b"while up", 1)
        got = sorted((m.topic, m.payload) for m in (back.next_message() for _ in range(3)))
        self.assertEqual(got, [("site1/other/b/c", b"in another topic"), ("site1/plant/a", b"while down"),
                               ("site1/plant/a", b"while up")])
        self.assertIsNone(back.no_message(1.0))

    def test_in_rule_brings_remote_messages_in_at_each_qos(self):
        gantry = self.start_gantry(bridge_entry("site", self.mosquitto.port, ["cmd/# in 2 local/ remote/"]))
        self.wait_connected(gantry, "site")
        local = self.client(self.mqtt_port, "local-sub")
        local.subscribe("local/#", 2)
        remote = self.client(self.mosquitto.port, "remote-pub")
        for qos in (0, 1, 2):
            remote.publish("remote/cmd/q%d" % qos, b"in at %d" % qos, qos)
            got = local.next_message()
            self.assertEqual((got.topic, got.payload, got.qos), ("local/cmd/q%d" % qos, b"in at %d" % qos, qos))

    def test_mqtt5_properties_cross_in_both_directions(self):
        gantry = self.start_gantry(bridge_entry("site", self.mosquitto.port, ["props/# both 1 g/ m/"]))
        self.wait_connected(gantry, "site")
        local = self.client(self.mqtt_port, "local")
        remote = self.client(self.mosquitto.port, "remote")
        local.subscribe("g/props/b", 1)
        remote.subscribe("m/props/a", 1)
        for sender, receiver, topic, expected in ((local, remote, "g/props/a", "m/props/a"),
                                                  (remote, local, "m/props/b", "g/props/b")):
            props = Properties(PacketTypes.PUBLISH)
            props.ContentType = "application/json"
            props.ResponseTopic = "replies/7"
            props.CorrelationData = b"\x00\x01corr\xff"
            props.MessageExpiryInterval = 300
            props.UserProperty = [("k", "1"), ("k", "2"), ("site", "north")]
            sender.publish(topic, b'{"t":21}', 1, properties=props)
            got = receiver.next_message()
            self.assertEqual((got.topic, got.payload), (expected, b'{"t":21}'))
            self.assertEqual(got.properties.ContentType, "application/json")
            self.assertEqual(got.properties.ResponseTopic, "replies/7")
            self.assertEqual(got.properties.CorrelationData, b"\x00\x01corr\xff")
            self.assertTrue(0 < got.properties.MessageExpiryInterval <= 300)
            self.assertEqual(got.properties.UserProperty, [("k", "1"), ("k", "2"), ("site", "north")])

    def check_no_echo(self, version):
        entry = bridge_entry("both", self.mosquitto.port, ["t/# both 1 shared/ shared/"],
                             protocolVersion="5.0" if version == 5 else "3.1.1")
        gantry = self.start_gantry(entry)
        self.wait_connected(gantry, "both")
        local = self.client(self.mqtt_port, "local")
        remote = self.client(self.mosquitto.port, "remote")
        local.subscribe("shared/t/#", 1)
        remote.subscribe("shared/t/#", 1)
        local.publish("shared/t/from-gantry", b"g", 1)
        remote.publish("shared/t/from-mosquitto", b"m", 1)
        # Each side gets each message exactly once: its own directly, the
        # other's through the bridge, and nothing comes back a second time.
        for side in (local, remote):
            got = sorted((side.next_message().topic, side.next_message().topic))
            self.assertEqual(got, ["shared/t/from-gantry", "shared/t/from-mosquitto"])
            self.assertIsNone(side.no_message(1.5))

    def test_a_two_way_mqtt5_rule_sends_nothing_back(self):
        self.check_no_echo(5)

    def test_a_two_way_mqtt311_rule_sends_nothing_back(self):
        self.check_no_echo(3)

    # --- store and forward -----------------------------------------------------

    def test_messages_wait_in_the_log_while_the_remote_is_down_and_arrive_in_order(self):
        gantry, local = self.start_with_the_remote_down("backlog-sub", "site1/seq", "site", "seq out 1 \"\" site1/")
        count = 500
        for i in range(count):
            local.publish("seq", b"%d" % i, 1)
        self.mosquitto.start()
        self.wait_connected(gantry, "site")
        back = self.client(self.mosquitto.port, "backlog-sub", 3, clean=False)
        got = [int(back.next_message().payload) for _ in range(count)]
        self.assertEqual(got, list(range(count)))
        self.assertIsNone(back.no_message(1.0))

    # --- faults -------------------------------------------------------------------

    def receiving(self, port, topic, client_id):
        """A persistent QoS 1 subscriber (paho reconnects it by itself) and
        the sequence numbers it receives, in arrival order."""
        received = []
        c = paho.Client(client_id=client_id, protocol=paho.MQTTv311, clean_session=False)
        c.on_message = lambda client, userdata, msg: received.append(int(msg.payload))
        subscribed = threading.Event()
        c.on_subscribe = lambda *args: subscribed.set()
        c.on_connect = lambda client, *args: client.subscribe(topic, 1)
        c.reconnect_delay_set(0.1, 0.5)
        c.connect("127.0.0.1", port, keepalive=10)
        c.loop_start()
        self.assertTrue(subscribed.wait(WAIT))
        self.close_at_end(lambda: (c.disconnect(), c.loop_stop()))
        return received

    def test_remote_killed_mid_stream_loses_nothing(self):
        # The remote is a gantryd with SYNC_FLUSH: what it acknowledged
        # survives its SIGKILL, so any loss would be the bridge's. (Mosquitto
        # keeps acknowledged messages in memory until its next autosave: a
        # SIGKILL loses what it had not yet passed on, whatever the bridge.)
        count = 50_000
        remote_args = ("--flushDiskType", "SYNC_FLUSH", "--storePathRootDir", os.path.join(self.workdir, "remote"))
        remote = self.start_serving(*remote_args, name="remote")
        # Only the MQTT port comes back the same (the bridge and the
        # subscriber dial it): in the 10 s the remote is down, a test running
        # beside this one may be given any port it released.
        mqtt_port = self.mqtt_port
        received = self.receiving(mqtt_port, "remote/stream", "stream-sub")
        gantry = self.start_gantry(bridge_entry("site", mqtt_port, ["stream out 1 \"\" remote/"]),
                                   name="local")
        self.wait_connected(gantry, "site")
        publishing, failures = self.stream("stream", count)
        self.wait_for_count(received, count // 3, 60)
        remote.process.send_signal(signal.SIGKILL)
        remote.wait()
        time.sleep(10)
        remote = self.start_serving(*remote_args, name="remote-again", mqtt_port=mqtt_port)
        publishing.join(90)
        self.assertEqual(failures, [])
        self.assert_all_arrived_in_order(received, count, 120)

    def test_gantryd_restarted_mid_stream_resumes_from_its_committed_position(self):
        count = 20_000
        received = self.receiving(self.mosquitto.port, "remote/stream", "resume-sub")
        # A backlog in the log while the remote is away (the subscriber's
        # session stays in Mosquitto's persistence file) ...
        self.mosquitto.stop()
        entry = bridge_entry("site", self.mosquitto.port, ["stream out 1 \"\" remote/"])
        gantry = self.start_gantry(entry)
        publishing, failures = self.stream("stream", count)
        publishing.join(90)
        self.assertEqual(failures, [])
        # ... drains when it is back, and gantryd stops halfway through it.
        self.mosquitto.start()
        self.wait_for_count(received, count // 4, 30)
        gantry.process.send_signal(signal.SIGTERM)
        self.assertEqual(gantry.wait(), 0, gantry.stderr())
        self.assertLess(len(set(received)), count, "the backlog drained before gantryd stopped: nothing to resume")
        gantry = self.start_gantry(entry, name="gantryd-again")
        self.wait_connected(gantry, "site")
        self.assert_all_arrived_in_order(received, count, 60)

    def test_a_qos2_exchange_cut_after_pubrec_ends_with_pubrel_not_a_second_publish(self):
        remote = scripted_remote()
        self.addCleanup(remote.close)
        gantry = self.start_gantry(bridge_entry("exact", remote.port, ["q2/# out 2"], protocolVersion="5.0"))
        link = remote.accept(session_present=False)
        self.close_at_end(link.close)
        self.wait_connected(gantry, "exact")
        self.client(self.mqtt_port, "q2-pub").publish("q2/x", b"once", 2)
        first, body = read_mqtt_packet(link)
        self.assertEqual(first & 0xF6, 0x34, "expected a QoS 2 PUBLISH")
        packet_id = body[2 + len("q2/x"):4 + len("q2/x")]
        link.sendall(bytes([0x50, 2]) + packet_id)  # PUBREC: the remote has it
        first, body = read_mqtt_packet(link)
        self.assertEqual((first, body[:2]), (0x62, packet_id), "expected PUBREL")
        link.close()  # lost before PUBCOMP

        link = remote.accept(session_present=True)
        self.close_at_end(link.close)
        first, body = read_mqtt_packet(link)
        self.assertEqual((first, body[:2]), (0x62, packet_id), "§4.3.3: PUBREL again, not the message")
        link.sendall(bytes([0x70, 2]) + packet_id)  # PUBCOMP
        link.settimeout(1.0)
        with self.assertRaises(socket.timeout, msg="nothing is published a second time"):
            link.recv(1)

    def test_gantry_to_gantry_over_mqtt(self):
        self.start_gantry(name="remote", data="remote-data")
        remote_mqtt = self.mqtt_port
        gantry = self.start_gantry(bridge_entry("peer", remote_mqtt, ["a/# both 1 here/ there/"]), name="local")
        self.wait_connected(gantry, "peer")
        there = self.client(remote_mqtt, "there")
        here = self.client(self.mqtt_port, "here")
        there.subscribe("there/a/#", 1)
        here.subscribe("here/a/#", 1)
        here.publish("here/a/1", b"to the peer", 1)
        self.assertEqual(there.next_message().topic, "there/a/1")
        there.publish("there/a/2", b"from the peer", 1)
        got = sorted((here.next_message().topic, here.next_message().topic))
        self.assertEqual(got, ["here/a/1", "here/a/2"])
        self.assertEqual(there.next_message().topic, "there/a/2")  # its own, directly
        # Neither message comes back over the bridge a second time.
        self.assertIsNone(here.no_message(1.0))
        self.assertIsNone(there.no_message(0.5))

    def test_a_message_the_remote_cannot_take_is_set_aside_and_the_rest_flows(self):
        self.start_gantry("mqtt.maxFrameSize = 1024", name="remote", data="remote-data")
        remote_mqtt = self.mqtt_port
        gantry = self.start_gantry(bridge_entry("peer", remote_mqtt, ["big/# out 1"]), name="local")
        self.wait_connected(gantry, "peer")
        there = self.client(remote_mqtt, "there")
        there.subscribe("big/#", 1)
        here = self.client(self.mqtt_port, "here")
        here.publish("big/too-large", b"x" * 4000, 1)
        here.publish("big/small", b"fits", 1)
        got = there.next_message()
        self.assertEqual((got.topic, got.payload), ("big/small", b"fits"))
        self.assertIsNone(there.no_message(0.5))
        self.assertTrue(gantry.wait_for_log("over the remote's maximum packet size 1024", WAIT), gantry.stderr())
        self.assertNotIn("lost its connection", gantry.stderr())

    # --- TLS ------------------------------------------------------------------------

    def tls_mosquitto(self):
        """A second Mosquitto whose bridge port wants TLS and a client
        certificate from the test CA; its plain port is for the test's clients."""
        cert = certificates.make_certificates(self.workdir)
        tls_port = harness.free_port()
        tls = mosquitto_broker(self.workdir, harness.free_port(), name="tls-mosquitto", extra=(
            "listener %d 127.0.0.1\ncafile %s\ncertfile %s\nkeyfile %s\nrequire_certificate true\n"
            % (tls_port, cert("ca.crt"), cert("server.crt"), cert("server.key"))))
        self.addCleanup(tls.stop)
        return tls, tls_port, cert

    def test_tls_bridge_checks_the_remote_and_shows_its_own_certificate(self):
        remote, tls_port, cert = self.tls_mosquitto()
        gantry = self.start_gantry(bridge_entry("secure", tls_port, ["x/# out 1"], tls=True,
                                                tlsCaFile=cert("ca.crt"), tlsCertFile=cert("client.crt"),
                                                tlsKeyFile=cert("client.key")))
        self.wait_connected(gantry, "secure")
        sub = self.client(remote.port, "tls-sub")
        sub.subscribe("x/#", 1)
        self.client(self.mqtt_port, "tls-pub").publish("x/1", b"over tls", 1)
        got = sub.next_message()
        self.assertEqual((got.topic, got.payload), ("x/1", b"over tls"))

    def test_tls_bridge_refuses_a_remote_its_ca_did_not_sign(self):
        remote, tls_port, cert = self.tls_mosquitto()
        gantry = self.start_gantry(bridge_entry("wary", tls_port, ["x/# out 1"], tls=True,
                                                tlsCaFile=cert("other-ca.crt"), tlsCertFile=cert("client.crt"),
                                                tlsKeyFile=cert("client.key")))
        self.assertTrue(gantry.wait_for_log("bridge 'wary': TLS handshake with 127.0.0.1:%d failed" % tls_port, WAIT),
                        gantry.stderr())
        self.assertIn("certificate verify failed", gantry.stderr())
        self.assertNotIn("bridge 'wary' connected", gantry.stderr())

    # --- visibility ---------------------------------------------------------------

    def test_gantry_bridge_list_shows_state_traffic_and_backlog(self):
        rule = ["x/# out 1 factory/ site1/"]
        gantry = self.start_gantry("flushConsumerOffsetInterval = 200",  # before the tables
                                   bridge_entry("up", self.mosquitto.port, rule),
                                   bridge_entry("down", harness.free_port(), rule))
        self.wait_connected(gantry, "up")
        remote = self.client(self.mosquitto.port, "remote-sub")
        remote.subscribe("site1/#", 1)
        local = self.client(self.mqtt_port, "local-pub")
        for i in range(3):
            local.publish("factory/x/%d" % i, b"12345", 1)
        for _ in range(3):
            remote.next_message()
        # The backlog is as of the engine's last offset flush: every 200 ms here.
        deadline = time.monotonic() + WAIT
        while True:
            result = subprocess.run([harness.sibling_program("gantry"), "-n", "127.0.0.1:%d" % self.port, "bridge",
                                     "list"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 0, result.stderr)
            rows = {line.split()[1]: line.split() for line in result.stdout.splitlines()[1:]}
            self.assertEqual(sorted(rows), ["down", "up"], result.stdout)
            if rows["up"][9] == "0" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        # BROKER BRIDGE TYPE STATE REMOTE MSGS-OUT BYTES-OUT MSGS-IN BYTES-IN BACKLOG DROPPED LAST-ERROR
        self.assertEqual(rows["up"][2:11], ["mqtt", "connected", "127.0.0.1:%d" % self.mosquitto.port,
                                            "3", "15", "0", "0", "0", "0"], result.stdout)
        down = rows["down"]
        self.assertEqual(down[3], "disconnected", result.stdout)
        self.assertEqual(down[9], "3", "the three messages wait for the remote:\n" + result.stdout)
        self.assertIn("cannot connect", result.stdout)

    # --- configuration -------------------------------------------------------------

    def test_invalid_bridge_entries_stop_start_up_naming_the_bridge_and_key(self):
        for entry, expected in (
                (bridge_entry("bad", 1, ["x/# sideways"]), "bridge 'bad', key topics: 'x/# sideways' direction"),
                (bridge_entry("long", 1, ["%s/# out" % ("x" * 300)]), "bridge 'long', key topics: '%s/#' sends "
                 "local topics '%s/#', which no engine topic can hold (first topic level longer than 127 bytes"
                 % ("x" * 300, "x" * 300)),
                (bridge_entry("b", 1, ["x out"], colour="red"), "bridge 'b', key colour: is not a key of an MQTT bridge"),
                (bridge_entry("v", 1, ["x out"], protocolVersion="4"), "key protocolVersion: must be"),
                (bridge_entry("t", 1, ["x out"], tls=True, tlsCaFile="/nonexistent/ca.crt"),
                 "bridge 't': cannot read the CA file '/nonexistent/ca.crt'"),
        ):
            conf = os.path.join(self.workdir, "bad.toml")
            with open(conf, "w") as f:
                f.write(entry)
            status, log = self.run_to_exit("-c", conf)
            self.assertNotEqual(status, 0)
            self.assertIn(expected, log)


if __name__ == "__main__":
    harness.main(__doc__)
