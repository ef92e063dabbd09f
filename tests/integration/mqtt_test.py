#!/usr/bin/python3
"""MQTT 3.1.1 and 5.0 against the real gantryd binary.

Usage: mqtt_test.py GANTRYD [unittest arguments]

Clients: Debian's unmodified mosquitto_pub / mosquitto_sub and
python3-paho-mqtt (only under /usr/bin/python3), plus a raw socket client
that writes packets by hand from the specifications (takeover, keep-alive,
malformed packets, topic aliases, QoS 2 duplicates). Every wait is bounded,
and only the processes started here are stopped, by PID.
"""

import os
import queue
import re
import signal
import socket
import struct
import subprocess
import time

import gantryd_harness as harness
import protocol_clients as clients

WAIT = clients.WAIT


# --- raw packets (MQTT 3.1.1 §2-3, 5.0 §2-3) ---------------------------------

def vbi(n):
    out = b""
    while True:
        byte = n % 128
        n //= 128
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def mqtt_str(s):
    data = s.encode() if isinstance(s, str) else s
    return struct.pack(">H", len(data)) + data


def packet(first_byte, body):
    return bytes([first_byte]) + vbi(len(body)) + body


def connect_packet(client_id, version=5, keep_alive=60, clean=True, will=None, props=b""):
    flags = 0x02 if clean else 0
    if will:
        flags |= 0x04 | (will.get("qos", 0) << 3)
    body = mqtt_str("MQTT") + bytes([version, flags]) + struct.pack(">H", keep_alive)
    if version == 5:
        body += vbi(len(props)) + props
    body += mqtt_str(client_id)
    if will:
        if version == 5:
            will_props = will.get("props", b"")
            body += vbi(len(will_props)) + will_props
        body += mqtt_str(will["topic"]) + mqtt_str(will["payload"])
    return packet(0x10, body)


def publish_packet(topic, payload, qos=0, packet_id=0, version=5, props=b"", dup=False):
    body = mqtt_str(topic)
    if qos:
        body += struct.pack(">H", packet_id)
    if version == 5:
        body += vbi(len(props)) + props
    return packet(0x30 | (0x08 if dup else 0) | (qos << 1), body + payload)


def subscribe_packet(packet_id, topic_filter, qos=0, version=5):
    body = struct.pack(">H", packet_id)
    if version == 5:
        body += vbi(0)
    return packet(0x82, body + mqtt_str(topic_filter) + bytes([qos]))


class raw_client:
    """One MQTT connection written by hand; reads are bounded."""

    def __init__(self, port, receive_buffer=None):
        """`receive_buffer`: SO_RCVBUF before connecting, to make a client
        whose unread bytes fill its socket soon."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.settimeout(WAIT)
        self.sock.connect(("127.0.0.1", port))

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def read_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed after %d of %d bytes" % (len(data), n))
            data += chunk
        return data

    def read_packet(self):
        """(first byte, body), or None when the broker closed the connection."""
        try:
            first = self.sock.recv(1)
        except ConnectionResetError:
            return None
        if not first:
            return None
        length, shift = 0, 0
        while True:
            b = self.read_exact(1)[0]
            length |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        return first[0], self.read_exact(length)

    def connect(self, client_id, version=5, **kwargs):
        self.send(connect_packet(client_id, version, **kwargs))
        first, body = self.read_packet()
        assert first == 0x20, "expected CONNACK, got 0x%02x" % first
        return body

    def closed_within(self, seconds):
        """True when the broker closes the connection within `seconds`
        (packets it sends before are dropped)."""
        return clients.closed_within(self.sock, seconds)


class mqtt_test(harness.gantryd_test_case):
    def setUp(self):
        super().setUp()
        self.broker = self.start_serving()

    def paho(self, client_id="", version=5, **session):
        c = clients.mqtt_client(self.mqtt_port, client_id, version, **session)
        self.close_at_end(c.close)
        return c

    def raw(self, receive_buffer=None):
        c = raw_client(self.mqtt_port, receive_buffer)
        self.close_at_end(c.close)
        return c

    def mosquitto_sub(self, topic, *args):
        s = clients.mosquitto_sub(self.mqtt_port, topic, *args)
        self.close_at_end(s.stop)
        self.assertTrue(s.wait_for("SUBACK"), "mosquitto_sub did not subscribe: %s" % s.seen)
        return s

    def mosquitto_pub(self, topic, message, *args):
        result = clients.mosquitto_pub(self.mqtt_port, topic, message, *args)
        self.assertEqual(result.returncode, 0, result.stderr)

    # --- QoS round trips ------------------------------------------------------

    def test_qos_round_trips_with_mosquitto_clients(self):
        for version in ("mqttv31", "mqttv311", "mqttv5"):
            for qos in (0, 1, 2):
                topic = "rt-%s-%d/dev/1" % (version, qos)
                sub = self.mosquitto_sub(topic, "-V", version, "-q", str(qos), "-C", "1", "-v")
                self.mosquitto_pub(topic, "hello %d" % qos, "-V", version, "-q", str(qos))
                self.assertTrue(sub.wait_for("%s hello %d" % (topic, qos)),
                                "%s QoS %d not delivered: %s" % (version, qos, sub.seen))
                self.assertEqual(sub.process.wait(timeout=WAIT), 0)

    def test_qos_round_trips_with_paho(self):
        for version in (3, 5):
            sub = self.paho("sub-%d" % version, version)
            pub = self.paho("pub-%d" % version, version)
            for sub_qos in (0, 1, 2):
                topic = "paho%d/q%d" % (version, sub_qos)
                sub.subscribe(topic, sub_qos)
                for pub_qos in (0, 1, 2):
                    pub.publish(topic, b"m%d" % pub_qos, pub_qos)
                    msg = sub.next_message()
                    self.assertEqual((msg.topic, msg.payload), (topic, b"m%d" % pub_qos))
                    self.assertEqual(msg.qos, min(sub_qos, pub_qos))

    def test_mqtt5_properties_reach_the_subscriber(self):
        sub = self.paho("props-sub")
        pub = self.paho("props-pub")
        sub.subscribe("req/#", 1)
        props = clients.publish_properties(
            ContentType="application/json", ResponseTopic="resp/client-7", CorrelationData=b"\x00\x01corr",
            MessageExpiryInterval=120, PayloadFormatIndicator=1, UserProperty=[("k", "1"), ("k", "2"), ("z", "last")])
        pub.publish("req/a/b", b"{}", 1, properties=props)
        msg = sub.next_message()
        self.assertEqual(msg.topic, "req/a/b")
        got = msg.properties
        self.assertEqual(got.ContentType, "application/json")
        self.assertEqual(got.ResponseTopic, "resp/client-7")
        self.assertEqual(got.CorrelationData, b"\x00\x01corr")
        self.assertEqual(got.PayloadFormatIndicator, 1)
        self.assertTrue(0 < got.MessageExpiryInterval <= 120)
        self.assertEqual(got.UserProperty, [("k", "1"), ("k", "2"), ("z", "last")])

    def test_a_payload_that_is_not_the_utf8_its_format_indicator_says_gets_puback_0x99(self):
        sub = self.paho("pfi-sub")
        pub = self.paho("pfi-pub")
        sub.subscribe("pfi/#", 1)
        utf8 = clients.publish_properties(PayloadFormatIndicator=1)
        self.assertEqual(pub.publish("pfi/bad", b"caf\xe9", 1, properties=utf8), 0x99, "Latin-1, not UTF-8")
        text = "café ☕".encode()
        self.assertEqual(pub.publish("pfi/good", text, 1, properties=utf8), 0)
        msg = sub.next_message()
        self.assertEqual((msg.topic, msg.payload), ("pfi/good", text), "the refused payload was delivered")
        self.assertEqual(msg.properties.PayloadFormatIndicator, 1)
        self.assertIsNone(sub.no_message(0.5))

    def test_request_response_under_the_response_information_of_connack(self):
        asking = {"RequestResponseInformation": 1}
        requester = self.paho("rr-requester", connect_properties=asking)
        base = requester.connack_properties.ResponseInformation
        self.assertEqual(base, "responses/rr-requester/")
        plain = self.paho("rr-plain")
        self.assertFalse(hasattr(plain.connack_properties, "ResponseInformation"), "sent without being asked for")
        responder = self.paho("rr-responder")
        responder.subscribe("rr-service/requests", 1)
        requester.subscribe(base + "#", 1)
        reply_to = base + "rr-service"
        requester.publish("rr-service/requests", b"what time is it?", 1,
                          properties=clients.publish_properties(ResponseTopic=reply_to, CorrelationData=b"req-1"))
        request = responder.next_message()
        self.assertEqual(request.properties.ResponseTopic, reply_to)
        responder.publish(request.properties.ResponseTopic, b"noon", 1,
                          properties=clients.publish_properties(CorrelationData=request.properties.CorrelationData))
        reply = requester.next_message()
        self.assertEqual((reply.topic, reply.payload, reply.properties.CorrelationData), (reply_to, b"noon", b"req-1"))
        self.assertIsNone(plain.no_message(0.2))

    def test_a_subscription_the_acl_refuses_is_explained_in_suback(self):
        acl = os.path.join(self.workdir, "acl")
        with open(acl, "w") as f:
            f.write("pattern read responses/%c/#\n")
        self.restart("--aclFile", acl)
        c = self.paho("acl-requester", connect_properties={"RequestResponseInformation": 1})
        base = c.connack_properties.ResponseInformation
        self.assertEqual([g.value for g in c.subscribe(base + "#", 1)], [1], "the ACL allows the client its own")
        self.assertFalse(hasattr(c.suback_properties, "ReasonString"), "granted: nothing to explain")
        self.assertEqual([g.value for g in c.subscribe("responses/someone-else/#", 1)], [0x87])
        reason = c.suback_properties.ReasonString
        self.assertTrue(reason.startswith("'responses/someone-else/#': not authorized"), reason)
        self.assertIn("aclFile", reason)

    def test_wildcards_after_the_first_level(self):
        sub = self.paho("wild")
        self.assertEqual([g.value for g in sub.subscribe("home/+/temp", 1)], [1])
        self.assertEqual([g.value for g in sub.subscribe("home/#", 0)], [0])
        pub = self.paho("wild-pub")
        pub.publish("home/kitchen/temp", b"21", 1)
        msg = sub.next_message()
        self.assertEqual((msg.topic, msg.payload), ("home/kitchen/temp", b"21"))
        pub.publish("home", b"parent", 1)
        msg = sub.next_message()
        self.assertEqual((msg.topic, msg.payload), ("home", b"parent"))  # "home/#" matches "home"
        self.assertIsNone(sub.no_message(0.5))

    def test_overlapping_subscriptions_get_one_copy_at_their_highest_qos_with_every_identifier(self):
        pub = self.paho("ov-pub")
        v3 = self.paho("ov-3", 3)
        v3.subscribe("ov/#", 0)
        v3.subscribe("ov/+/t", 2)
        v3.subscribe("#", 1)
        v3.subscribe("other/x", 1)
        v5 = self.paho("ov-5")
        v5.subscribe("ov/#", 1, properties=clients.subscribe_properties(SubscriptionIdentifier=7))
        v5.subscribe("+/a/t", 0, properties=clients.subscribe_properties(SubscriptionIdentifier=9))
        v5.subscribe("ov/a/t", 0)  # no identifier
        pub.publish("ov/a/t", b"once", 2)
        pub.publish("ov/b", b"once-more", 1)
        # Two topics: MQTT orders messages per topic only.
        got = {m.topic: m for m in (v3.next_message(), v3.next_message())}
        self.assertEqual((got["ov/a/t"].payload, got["ov/a/t"].qos), (b"once", 2))
        self.assertEqual(got["ov/b"].qos, 1)  # ov/# at 0 and # at 1
        self.assertIsNone(v3.no_message(0.7))
        got = {m.topic: m for m in (v5.next_message(), v5.next_message())}
        self.assertEqual((got["ov/a/t"].payload, got["ov/a/t"].qos), (b"once", 1))
        self.assertEqual(sorted(got["ov/a/t"].properties.SubscriptionIdentifier), [7, 9])
        self.assertEqual(got["ov/b"].properties.SubscriptionIdentifier, [7])
        self.assertIsNone(v5.no_message(0.7))

    def test_first_level_wildcards_see_every_topic_also_one_made_later_but_no_dollar_topic(self):
        pub = self.paho("fw-pub")
        pub.publish("fw-old/temp", b"retained", 1, retain=True)
        pub.publish("$fw/temp", b"dollar-retained", 1, retain=True)
        for version in (3, 5):
            everything = self.paho("fw-all-%d" % version, version)
            self.assertEqual(list(everything.subscribe("#", 1)), [1])
            msg = everything.next_message()  # the retained one, not the '$' one
            self.assertEqual((msg.topic, msg.payload, bool(msg.retain)), ("fw-old/temp", b"retained", True))
            temps = self.paho("fw-temp-%d" % version, version)
            self.assertEqual(list(temps.subscribe("+/temp", 1)), [1])
            self.assertEqual(temps.next_message().topic, "fw-old/temp")
            dollar = self.paho("fw-dollar-%d" % version, version)
            dollar.subscribe("$fw/#", 1)
            self.assertEqual(dollar.next_message().payload, b"dollar-retained")

            made_later = "fw-new-%d" % version  # no such engine topic until this publish
            pub.publish(made_later + "/temp", b"t", 1)
            pub.publish(made_later + "/hum", b"h", 1)
            pub.publish(made_later, b"one-level", 1)
            pub.publish("$fw/temp", b"dollar", 1)
            self.assertEqual(sorted((m.topic, m.payload) for m in (everything.next_message() for _ in range(3))),
                             [(made_later, b"one-level"), (made_later + "/hum", b"h"), (made_later + "/temp", b"t")])
            msg = temps.next_message()
            self.assertEqual((msg.topic, msg.payload), (made_later + "/temp", b"t"))
            self.assertEqual(dollar.next_message().payload, b"dollar")
            for c in (everything, temps):
                self.assertIsNone(c.no_message(0.5))
        sub = self.mosquitto_sub("+/bell", "-V", "mqttv311", "-q", "1", "-C", "1", "-v")
        self.mosquitto_pub("fw-door/bell", "ring", "-q", "1")
        self.assertTrue(sub.wait_for("fw-door/bell ring"), sub.seen)

    def test_qos2_duplicate_publish_is_stored_once(self):
        sub = self.paho("q2-sub")
        sub.subscribe("once/x", 2)
        c = self.raw()
        c.connect("q2-raw")
        c.send(publish_packet("once/x", b"exactly", qos=2, packet_id=7))
        self.assertEqual(c.read_packet(), (0x50, struct.pack(">H", 7)))  # PUBREC
        c.send(publish_packet("once/x", b"exactly", qos=2, packet_id=7, dup=True))
        self.assertEqual(c.read_packet(), (0x50, struct.pack(">H", 7)))
        c.send(packet(0x62, struct.pack(">H", 7)))  # PUBREL
        self.assertEqual(c.read_packet(), (0x70, struct.pack(">H", 7)))  # PUBCOMP
        self.assertEqual(sub.next_message().payload, b"exactly")
        self.assertIsNone(sub.no_message(1.0))

    # --- wills ----------------------------------------------------------------

    def test_will_is_published_on_abnormal_disconnect_only(self):
        watcher = self.paho("will-watcher")
        watcher.subscribe("wills/#", 1)
        for version in ("mqttv311", "mqttv5"):
            dying = self.mosquitto_sub("wills-dummy/x", "-V", version, "-i", "dying-" + version,
                                       "--will-topic", "wills/" + version, "--will-payload", "gone", "--will-qos", "1")
            dying.kill()  # SIGKILL: the socket closes without DISCONNECT
            msg = watcher.next_message()
            self.assertEqual((msg.topic, msg.payload), ("wills/" + version, b"gone"))
            # mosquitto_pub sends DISCONNECT after its message: no will.
            self.mosquitto_pub("wills-dummy/y", "m", "-V", version, "-i", "clean-" + version, "-q", "1",
                               "--will-topic", "wills/clean", "--will-payload", "should not appear")
            # So does mosquitto_sub once it has its -C count.
            counted = self.mosquitto_sub("wills-dummy/z", "-V", version, "-i", "counted-" + version, "-C", "1",
                                         "--will-topic", "wills/clean", "--will-payload", "should not appear")
            self.mosquitto_pub("wills-dummy/z", "last", "-V", version)
            self.assertEqual(counted.process.wait(timeout=WAIT), 0)
            self.assertIsNone(watcher.no_message(1.0))

    def test_a_delayed_will_waits_across_a_restart_and_is_published_once(self):
        watcher = self.paho("dw-watcher", 3, clean=False)
        watcher.subscribe("dw/#", 1)
        session_expiry = b"\x11" + struct.pack(">I", 300)

        def leave_with_will(client_id, delay):
            raw = self.raw()
            will = {"topic": "dw/" + client_id, "payload": "gone", "qos": 1,
                    "props": b"\x18" + struct.pack(">I", delay)}  # Will Delay Interval
            self.assertEqual(raw.connect(client_id, clean=False, props=session_expiry, will=will)[1], 0)
            raw.sock.close()  # no DISCONNECT: the will stands
        leave_with_will("due-after-the-restart", 6)
        leave_with_will("comes-back", 30)
        watcher.close()
        self.restart()
        back = self.raw()
        self.assertEqual(back.connect("comes-back", clean=False, props=session_expiry)[0], 1)  # Session Present
        watcher = self.paho("dw-watcher", 3, clean=False)
        msg = watcher.next_message(timeout=15)
        self.assertEqual((msg.topic, msg.payload), ("dw/due-after-the-restart", b"gone"))
        self.assertIsNone(watcher.no_message(1.0))
        watcher.close()
        self.restart()  # published: not again
        watcher = self.paho("dw-watcher", 3, clean=False)
        self.assertIsNone(watcher.no_message(2.0))

    def test_will_of_a_raw_client_whose_socket_is_cut(self):
        watcher = self.paho("cut-watcher", 3)
        watcher.subscribe("cut/status", 1)
        c = self.raw()
        c.connect("cut-client", version=4, will={"topic": "cut/status", "payload": b"offline", "qos": 1})
        c.sock.shutdown(socket.SHUT_RDWR)
        c.close()
        msg = watcher.next_message()
        self.assertEqual((msg.topic, msg.payload), ("cut/status", b"offline"))

    # --- connections ----------------------------------------------------------

    def test_session_takeover(self):
        first = self.raw()
        first.connect("same-id", version=5)
        second = self.raw()
        self.assertEqual(second.connect("same-id", version=5)[1], 0)
        got = first.read_packet()
        self.assertIsNotNone(got, "the first connection got no DISCONNECT")
        self.assertEqual((got[0], got[1][0]), (0xE0, 0x8E))  # DISCONNECT, session taken over
        self.assertTrue(first.closed_within(WAIT))
        old = self.raw()
        old.connect("same-v3", version=4)
        new = self.raw()
        new.connect("same-v3", version=4)
        self.assertTrue(old.closed_within(WAIT), "3.1.1: the first connection was not closed")
        # The new connection still works.
        new.send(packet(0xC0, b""))
        self.assertEqual(new.read_packet(), (0xD0, b""))

    def test_keep_alive_expiry_closes_a_silent_client(self):
        c = self.raw()
        c.connect("sleepy", version=4, keep_alive=1)
        began = time.monotonic()
        self.assertTrue(c.closed_within(WAIT))
        took = time.monotonic() - began
        self.assertTrue(1.2 <= took <= 4.0, "closed after %.2f s, expected about 1.5 s" % took)
        # A 5.0 client is told why: DISCONNECT 0x8D (Keep Alive timeout), then the close.
        v5 = self.raw()
        v5.connect("sleepy-5", version=5, keep_alive=1)
        first, body = v5.read_packet()
        self.assertEqual((first, body[0]), (0xE0, 0x8D))
        self.assertTrue(v5.closed_within(WAIT))

    def test_client_identifier_rules(self):
        c = self.raw()
        connack = c.connect("", version=5)
        self.assertEqual(connack[1], 0)
        self.assertIn(b"gantry-", connack)  # Assigned Client Identifier
        v3 = self.raw()
        v3.send(connect_packet("", version=4, clean=False))
        self.assertEqual(v3.read_packet(), (0x20, b"\x00\x02"))  # identifier rejected
        self.assertTrue(v3.closed_within(WAIT))

    def test_first_packet_must_be_connect_and_a_second_connect_is_an_error(self):
        c = self.raw()
        c.send(packet(0xC0, b""))
        self.assertTrue(c.closed_within(WAIT))
        d = self.raw()
        d.connect("twice", version=5)
        d.send(connect_packet("twice", version=5))
        got = d.read_packet()
        self.assertEqual((got[0], got[1][0]), (0xE0, 0x82))

    def test_malformed_packet_closes_only_that_connection(self):
        bystander = self.paho("bystander")
        bystander.subscribe("alive/x", 1)
        bad = self.raw()
        bad.connect("bad-5", version=5)
        bad.send(bytes([0x36, 0x05]) + mqtt_str("a/b") + b"\x00")  # QoS 3
        got = bad.read_packet()
        self.assertIsNotNone(got)
        self.assertEqual((got[0], got[1][0]), (0xE0, 0x81))  # DISCONNECT, malformed packet
        self.assertTrue(bad.closed_within(WAIT))
        bad3 = self.raw()
        bad3.connect("bad-3", version=4)
        bad3.send(b"\xff\xff\xff\xff\xff")
        self.assertTrue(bad3.closed_within(WAIT))
        self.mosquitto_pub("alive/x", "still here", "-q", "1")
        self.assertEqual(bystander.next_message().payload, b"still here")
        self.assertIn("bad-5", self.broker.stderr())  # logged with the client id

    def test_topic_alias(self):
        sub = self.paho("alias-sub")
        sub.subscribe("alias/#", 1)
        c = self.raw()
        connack = c.connect("alias-raw", version=5)
        self.assertIn(b"\x22", connack)  # Topic Alias Maximum announced
        alias = b"\x23" + struct.pack(">H", 3)
        c.send(publish_packet("alias/one", b"first", qos=1, packet_id=1, props=alias))
        self.assertEqual(c.read_packet()[0], 0x40)
        c.send(publish_packet("", b"second", qos=1, packet_id=2, props=alias))
        self.assertEqual(c.read_packet()[0], 0x40)
        self.assertEqual([(m.topic, m.payload) for m in (sub.next_message(), sub.next_message())],
                         [("alias/one", b"first"), ("alias/one", b"second")])
        c.send(publish_packet("", b"x", qos=0, props=b"\x23" + struct.pack(">H", 9)))  # unknown alias
        got = c.read_packet()
        self.assertEqual(got[0], 0xE0)

    def test_outbound_topic_aliases_within_the_clients_maximum(self):
        c = self.raw()
        c.connect("alias-out", version=5, props=b"\x22" + struct.pack(">H", 2))  # Topic Alias Maximum 2
        c.send(subscribe_packet(1, "aliased/#", 0))
        self.assertEqual(c.read_packet()[0], 0x90)
        pub = self.paho("alias-pub")
        for topic in ("aliased/a", "aliased/a", "aliased/b", "aliased/c", "aliased/b"):
            pub.publish(topic, topic.encode(), 1)
        got = []
        for _ in range(5):
            first, body = c.read_packet()
            self.assertEqual(first, 0x30)
            (topic_length,) = struct.unpack(">H", body[:2])
            topic = body[2:2 + topic_length].decode()
            props_length = body[2 + topic_length]
            props = body[3 + topic_length:3 + topic_length + props_length]
            alias = struct.unpack(">H", props[props.index(b"\x23") + 1:][:2])[0] if b"\x23" in props else None
            got.append((topic, alias, body[3 + topic_length + props_length:]))
        # The first of each topic names it with a new alias, the next use the
        # alias alone; a topic past the client's maximum goes in full.
        self.assertEqual(got, [("aliased/a", 1, b"aliased/a"), ("", 1, b"aliased/a"), ("aliased/b", 2, b"aliased/b"),
                               ("aliased/c", None, b"aliased/c"), ("", 2, b"aliased/b")])

    def test_shared_subscription_members_split_the_messages(self):
        first, second = self.paho("worker-1"), self.paho("worker-2")
        v3 = self.paho("worker-3", 3)
        for member in (first, second):
            self.assertEqual([g.value for g in member.subscribe("$share/workers/jobs/+", 1)], [1])
        self.assertEqual(list(v3.subscribe("$share/auditors/jobs/+", 1)), [1])
        pub = self.paho("boss")
        sent = [b"job-%d" % i for i in range(100)]
        for body in sent:
            pub.publish("jobs/build", body, 1)

        def drain(member):
            got = []
            while True:
                try:
                    got.append(member.messages.get(timeout=1.0).payload)
                except queue.Empty:
                    return got
        got_first, got_second = drain(first), drain(second)
        # One share: every message to exactly one member; another share gets its own copy of each.
        self.assertEqual(sorted(got_first + got_second), sorted(sent))
        self.assertTrue(got_first and got_second, "one member got everything: %d / %d" %
                        (len(got_first), len(got_second)))
        self.assertEqual(sorted(drain(v3)), sorted(sent))

    def test_shared_subscription_member_that_leaves_hands_its_messages_on(self):
        quitter = self.raw()
        quitter.connect("quitter", version=5)
        quitter.send(subscribe_packet(1, "$share/g/work/+", qos=1))
        quitter.read_packet()  # SUBACK
        stayer = self.paho("stayer")
        self.assertEqual([g.value for g in stayer.subscribe("$share/g/work/+", 1)], [1])
        pub = self.paho("producer")
        for i in range(10):
            pub.publish("work/item", b"w%d" % i, 1)
        time.sleep(0.5)
        quitter.close()  # never acknowledged what it was given
        got = set()
        while len(got) < 10:
            try:
                got.add(stayer.next_message().payload)
            except queue.Empty:
                break
        self.assertEqual(got, {b"w%d" % i for i in range(10)})

    def test_no_local(self):
        c = self.paho("loopback")
        c.subscribe("nl/x", 1, no_local=True)
        c.publish("nl/x", b"mine", 1)
        other = self.paho("other")
        other.publish("nl/x", b"theirs", 1)
        self.assertEqual(c.next_message().payload, b"theirs")
        self.assertIsNone(c.no_message(0.5))

    # --- retained messages ----------------------------------------------------

    def retained_payloads(self, topic_filter, expected, version=5, **options):
        """What a new paho subscriber gets for `topic_filter`: {topic: payload},
        every message with RETAIN set, after `expected` arrived and a pause."""
        c = self.paho(version=version)
        c.subscribe(topic_filter, 1, **options)
        got = {}
        for _ in range(expected):
            msg = c.next_message()
            self.assertTrue(msg.retain, "retained message on %s without RETAIN" % msg.topic)
            self.assertNotIn(msg.topic, got, "retained message on %s twice" % msg.topic)
            got[msg.topic] = msg.payload
        self.assertIsNone(c.no_message(0.7))
        c.close()
        return got

    def restart(self, *args, kill=False):
        """Stops gantryd (SIGTERM, or SIGKILL) and starts it again on the same data directory."""
        old = self.broker
        old.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        status = old.wait()
        self.assertIsNotNone(status, "gantryd did not stop")
        if not kill:
            self.assertEqual(status, 0, old.stderr())
        self.broker = self.start_serving(*args)

    def test_a_light_publisher_moves_to_its_subscribers_io_thread_and_loses_nothing(self):
        moved = "moved to another io thread"

        def stream(tag):
            # Two io threads take new connections in turn, so of two
            # publishers connected one after the other one is on the
            # subscriber's thread and one is not.
            sub = self.paho("place-sub-" + tag)
            sub.subscribe("place/" + tag, 1)
            publishers = [self.paho("place-pub-%s-%d" % (tag, n)) for n in range(2)]
            sent = [b"%s-%d" % (tag.encode(), i) for i in range(400)]
            for i, payload in enumerate(sent):
                publishers[i % 2].publish("place/" + tag, payload, 1)
                time.sleep(0.002)
            self.assertEqual([sub.next_message().payload for _ in sent], sent)
            self.assertIsNone(sub.no_message(0.3))

        self.restart("--ioThreads", "2", "--logLevel", "debug", "--mqtt.movePublishersBelowLoad", "0")
        stream("stays")
        self.assertNotIn(moved, self.broker.stderr())
        self.restart("--ioThreads", "2", "--logLevel", "debug")
        stream("moves")
        self.assertEqual(self.broker.stderr().count(moved), 1, "one publisher moves, the other is there already")

    def test_retained_message_reaches_new_subscribers_with_the_retain_flag(self):
        self.mosquitto_pub("ret/a/b", "v1", "-r", "-q", "1", "-V", "mqttv311")
        sub = self.mosquitto_sub("ret/a/b", "-V", "mqttv311", "-q", "1", "-C", "1", "-v")
        self.assertTrue(sub.wait_for("ret/a/b v1"), sub.seen)
        self.assertTrue(any("r1" in line and "PUBLISH" in line for line in sub.seen), sub.seen)
        self.mosquitto_pub("ret/a/b", "v2", "-r", "-q", "1", "-V", "mqttv5")  # replaces
        self.assertEqual(self.retained_payloads("ret/a/b", 1), {"ret/a/b": b"v2"})
        self.assertEqual(self.retained_payloads("ret/a/b", 1, version=3), {"ret/a/b": b"v2"})
        # A live delivery of a retained publish: RETAIN clear (3.1.1 §3.3.1.3).
        live = self.paho("ret-live", 3)
        live.subscribe("ret/live", 1)
        self.mosquitto_pub("ret/live", "now", "-r", "-q", "1")
        msg = live.next_message()
        self.assertEqual((msg.payload, bool(msg.retain)), (b"now", False))

    def test_empty_retained_payload_clears_and_is_still_delivered(self):
        self.mosquitto_pub("clr/x", "kept", "-r", "-q", "1")
        self.mosquitto_pub("clr/y", "other", "-r", "-q", "1")
        current = self.paho("clr-current")
        current.subscribe("clr/x", 1, retain_handling=2)
        self.mosquitto_pub("clr/x", "", "-r", "-q", "1")
        msg = current.next_message()
        self.assertEqual(msg.payload, b"")  # delivered as a normal message
        self.assertEqual(self.retained_payloads("clr/#", 1), {"clr/y": b"other"})
        sub = self.mosquitto_sub("clr/x", "-V", "mqttv311")
        self.assertFalse(sub.wait_for("PUBLISH", timeout=1.0), sub.seen)

    def test_retain_handling_options(self):
        pub = self.paho("rh-pub")
        pub.publish("rh/t", b"kept", 1, retain=True)
        c = self.paho("rh-sub")
        c.subscribe("rh/t", 1, retain_handling=0)
        self.assertTrue(c.next_message().retain)
        c.subscribe("rh/t", 1, retain_handling=1)  # exists already: nothing
        self.assertIsNone(c.no_message(0.7))
        c.subscribe("rh/t", 1, retain_handling=0)  # sent again at every SUBSCRIBE
        self.assertEqual(c.next_message().payload, b"kept")
        c.subscribe("rh/#", 1, retain_handling=2)  # never
        self.assertIsNone(c.no_message(0.7))
        c.subscribe("rh/+", 1, retain_handling=1)  # new: sent
        msg = c.next_message()
        self.assertEqual((msg.topic, msg.payload, bool(msg.retain)), ("rh/t", b"kept", True))
        self.assertIsNone(c.no_message(0.7))

    def test_retain_as_published(self):
        rap = self.paho("rap-yes")
        rap.subscribe("rap/x", 1, retain_as_published=True)
        plain = self.paho("rap-no")
        plain.subscribe("rap/x", 1, retain_as_published=False)
        pub = self.paho("rap-pub")
        pub.publish("rap/x", b"r", 1, retain=True)
        pub.publish("rap/x", b"n", 1)
        self.assertEqual([(m.payload, bool(m.retain)) for m in (rap.next_message(), rap.next_message())],
                         [(b"r", True), (b"n", False)])
        self.assertEqual([(m.payload, bool(m.retain)) for m in (plain.next_message(), plain.next_message())],
                         [(b"r", False), (b"n", False)])

    def test_wildcard_subscribe_gets_exactly_the_matching_retained_topics(self):
        for topic in ("wr/a/temp", "wr/b/temp", "wr/b/hum", "wr/c/d/temp", "wr", "wrx/a/temp"):
            self.mosquitto_pub(topic, "v-" + topic, "-r", "-q", "1")
        self.assertEqual(self.retained_payloads("wr/+/temp", 2), {"wr/a/temp": b"v-wr/a/temp", "wr/b/temp": b"v-wr/b/temp"})
        self.assertEqual(set(self.retained_payloads("wr/#", 5)), {"wr", "wr/a/temp", "wr/b/temp", "wr/b/hum", "wr/c/d/temp"})
        self.assertEqual(set(self.retained_payloads("wr/b/+", 2)), {"wr/b/temp", "wr/b/hum"})
        # QoS of a retained delivery: min(subscription, published).
        self.mosquitto_pub("wr/q0", "zero", "-r", "-q", "0")
        c = self.paho("wr-qos")
        c.subscribe("wr/q0", 1)
        self.assertEqual(c.next_message().qos, 0)

    def test_retained_messages_survive_a_restart(self):
        self.mosquitto_pub("keep/a", "A", "-r", "-q", "1")
        self.mosquitto_pub("keep/b", "B", "-r", "-q", "1")
        self.mosquitto_pub("keep/b", "", "-r", "-q", "1")
        self.restart()
        self.assertEqual(self.retained_payloads("keep/#", 1), {"keep/a": b"A"})
        self.mosquitto_pub("keep/c", "C", "-r", "-q", "1")
        self.restart()
        self.assertEqual(self.retained_payloads("keep/#", 2), {"keep/a": b"A", "keep/c": b"C"})

    def test_retained_messages_survive_kill_9_with_sync_flush(self):
        self.restart("--flushDiskType", "SYNC_FLUSH")
        self.mosquitto_pub("crash/a", "A1", "-r", "-q", "1")
        self.mosquitto_pub("crash/a", "A2", "-r", "-q", "1")
        self.mosquitto_pub("crash/b", "B", "-r", "-q", "1")
        self.mosquitto_pub("crash/b", "", "-r", "-q", "1")
        self.mosquitto_pub("crash/c", "C", "-r", "-q", "1")  # PUBACK came: it must survive
        self.restart("--flushDiskType", "SYNC_FLUSH", kill=True)
        self.assertEqual(self.retained_payloads("crash/#", 2), {"crash/a": b"A2", "crash/c": b"C"})
        self.assertIn("retained messages:", self.broker.stderr())

    # --- persistent sessions --------------------------------------------------

    def persistent(self, client_id, version, expiry=300):
        """A client that keeps its session: clean session 0 (3.1.1), or clean
        start 0 with a Session Expiry Interval (5.0)."""
        session = {"clean": False}
        if version == 5:
            session["session_expiry"] = expiry
        return self.paho(client_id, version, **session)

    def receive_payloads(self, client, count):
        got = [client.next_message() for _ in range(count)]
        self.assertIsNone(client.no_message(0.5))
        return [m.payload for m in got]

    def test_persistent_session_gets_what_was_published_while_offline_also_after_a_restart(self):
        pub = self.paho("away-pub")
        for version in (3, 5):
            topic = "away%d/x" % version
            first = self.persistent("keeper-%d" % version, version)
            self.assertFalse(first.session_present)
            first.subscribe(topic, 1)
            first.close()
            for i in range(3):
                pub.publish(topic, b"m%d" % i, 1)
            back = self.persistent("keeper-%d" % version, version)
            self.assertTrue(back.session_present, "MQTT %d: no Session Present" % version)
            self.assertEqual(self.receive_payloads(back, 3), [b"m0", b"m1", b"m2"])
            back.close()
            pub.publish(topic, b"m3", 1)
        pub.close()
        self.restart()
        pub = self.paho("away-pub-2")
        for version in (3, 5):
            topic = "away%d/x" % version
            pub.publish(topic, b"m4", 1)
            back = self.persistent("keeper-%d" % version, version)
            self.assertTrue(back.session_present, "MQTT %d: the session did not survive the restart" % version)
            self.assertEqual(self.receive_payloads(back, 2), [b"m3", b"m4"])

    def test_a_session_over_max_offline_messages_gets_the_newest_and_is_told_how_many_were_skipped(self):
        self.restart("--mqtt.maxOfflineMessages", "3")
        pub = self.paho("limit-pub")
        skipped_total = 0
        for version in (3, 5):
            first = self.persistent("limited-%d" % version, version)
            first.subscribe("limit%d/x" % version, 1)
            first.subscribe("limit%d/y" % version, 1)  # the limit counts both together
            first.subscribe("limit%d/elsewhere" % version, 1)
            first.close()
            # Once it has them all, so has every queue: the limit counts what was stored before the return.
            watcher = self.paho("limit-watcher-%d" % version)
            watcher.subscribe("limit%d/+" % version, 1)
            for i in range(4):
                pub.publish("limit%d/x" % version, b"x%d" % i, 1)
            pub.publish("limit%d/y" % version, b"y0", 1)
            pub.publish("limit%d/unsubscribed" % version, b"not counted", 1)
            self.assertEqual(len(self.receive_payloads(watcher, 6)), 6)
            watcher.close()
            back = self.persistent("limited-%d" % version, version)
            self.assertTrue(back.session_present)
            self.assertEqual(sorted(self.receive_payloads(back, 3)), [b"x2", b"x3", b"y0"])
            skipped_total += 2
            if version == 5:
                props = back.connack_properties
                self.assertIn("2 messages published while you were away were skipped", props.ReasonString)
                self.assertIn(("gantry-offline-skipped", "2"), props.UserProperty)
            # Below the limit now: nothing more is skipped.
            back.close()
            pub.publish("limit%d/x" % version, b"x4", 1)
            again = self.persistent("limited-%d" % version, version)
            self.assertEqual(self.receive_payloads(again, 1), [b"x4"])
            again.close()
        self.assertRegex(self.broker.stderr(), r"limited-3.*the oldest 2 were skipped")
        self.assertEqual(clients.broker_runtime_info(self.port)["mqtt.offlineSkipped"], str(skipped_total))
        # [MQTT-3.2.2-19/20]: no Reason String or User Property that would
        # take the CONNACK past the client's Maximum Packet Size.
        small = struct.pack(">BIBI", 0x11, 300, 0x27, 40)  # Session Expiry 300 s, Maximum Packet Size 40
        raw = self.raw()
        raw.connect("limited-small", clean=False, props=small)
        raw.send(subscribe_packet(1, "limit-small/x", 1))
        self.assertEqual(raw.read_packet()[0], 0x90)
        raw.close()
        watcher = self.paho("limit-watcher-small")
        watcher.subscribe("limit-small/x", 1)
        for i in range(5):
            pub.publish("limit-small/x", b"%d" % i, 1)
        self.assertEqual(len(self.receive_payloads(watcher, 5)), 5)
        raw = self.raw()
        body = raw.connect("limited-small", clean=False, props=small)
        self.assertEqual(body[:2], b"\x01\x00", "Session Present, Success")
        self.assertLessEqual(1 + len(vbi(len(body))) + len(body), 40)
        self.assertNotIn(b"skipped", body)
        self.assertRegex(self.broker.stderr(), r"limited-small.*the oldest 2 were skipped")
        raw.close()

    def test_a_first_level_wildcard_session_gets_topics_made_while_it_was_away_also_after_a_restart(self):
        pub = self.paho("fw-away-pub")
        for version in (3, 5):
            first = self.persistent("fw-keeper-%d" % version, version)
            first.subscribe("+/away%d" % version, 1)
            first.close()
            pub.publish("fw-made-while-away-%d/away%d" % (version, version), b"m0", 1)
            back = self.persistent("fw-keeper-%d" % version, version)
            self.assertTrue(back.session_present, "MQTT %d: no Session Present" % version)
            self.assertEqual(self.receive_payloads(back, 1), [b"m0"])
            back.close()
        pub.close()
        self.restart()
        pub = self.paho("fw-away-pub-2")
        for version in (3, 5):
            pub.publish("fw-made-after-restart-%d/away%d" % (version, version), b"m1", 1)
            back = self.persistent("fw-keeper-%d" % version, version)
            self.assertTrue(back.session_present, "MQTT %d: the session did not survive the restart" % version)
            self.assertEqual(self.receive_payloads(back, 1), [b"m1"])

    def test_a_share_of_a_persistent_session_keeps_its_messages_while_every_member_is_away(self):
        pub = self.paho("share-away-pub")
        member = self.persistent("share-keeper", 3)
        member.subscribe("$share/keep/jobs/#", 1)
        pub.publish("jobs/a", b"j0", 1)
        self.assertEqual(self.receive_payloads(member, 1), [b"j0"])
        member.close()
        pub.publish("jobs/a", b"j1", 1)
        pub.publish("jobs/b", b"j2", 1)
        pub.close()
        self.restart()
        member = self.persistent("share-keeper", 3)
        self.assertTrue(member.session_present)
        self.assertEqual(sorted(self.receive_payloads(member, 2)), [b"j1", b"j2"])  # j0 not again
        # Unsubscribed, the share is no longer kept for anyone: a share of
        # clean sessions only loses what comes while no member is there.
        member.unsubscribe("$share/keep/jobs/#")
        pub = self.paho("share-away-pub-2")
        visitor = self.paho("share-visitor", 3)
        visitor.subscribe("$share/keep/jobs/#", 1)
        pub.publish("jobs/c", b"j3", 1)
        self.assertEqual(self.receive_payloads(visitor, 1), [b"j3"])
        # The UNSUBACK says the broker has let the member go; a close alone
        # would race with the next publish, which comes on another connection.
        visitor.unsubscribe("$share/keep/jobs/#")
        visitor.close()
        pub.publish("jobs/c", b"j4", 1)
        later = self.paho("share-later", 3)
        later.subscribe("$share/keep/jobs/#", 1)
        self.assertIsNone(later.no_message(1.0))

    def test_clean_start_discards_a_stored_session(self):
        pub = self.paho("clean-pub")
        for version in (3, 5):
            topic = "discard%d/x" % version
            first = self.persistent("discarded-%d" % version, version)
            first.subscribe(topic, 1)
            first.close()
            pub.publish(topic, b"while away", 1)
            clean = self.paho("discarded-%d" % version, version)
            self.assertFalse(clean.session_present)
            self.assertIsNone(clean.no_message(0.7))
            clean.close()
            again = self.persistent("discarded-%d" % version, version)
            self.assertFalse(again.session_present, "MQTT %d: the discarded session came back" % version)
            self.assertIsNone(again.no_message(0.7))
            again.close()

    def test_session_changes_acknowledged_just_before_a_kill_9_survive_it(self):
        """SIGKILL at once after SUBACK, and after the CONNACK of a clean
        start: both changes are in the session journal when the client hears
        of them (the session file alone is written later)."""
        for version, flush in ((3, "ASYNC_FLUSH"), (5, "SYNC_FLUSH")):
            self.restart("--flushDiskType", flush)
            client_id, topic = "killed-%d" % version, "killed%d/x" % version
            first = self.persistent(client_id, version)
            first.subscribe(topic, 1)  # returns on SUBACK
            self.restart("--flushDiskType", flush, kill=True)
            first.close()
            self.paho("killed-pub-%d" % version).publish(topic, b"after the kill", 1)
            back = self.persistent(client_id, version)
            self.assertTrue(back.session_present, "MQTT %d, %s: the subscription did not survive" % (version, flush))
            self.assertEqual(self.receive_payloads(back, 1), [b"after the kill"])
            back.close()
            clean = self.paho(client_id, version)  # discards the session
            self.restart("--flushDiskType", flush, kill=True)
            clean.close()
            again = self.persistent(client_id, version)
            self.assertFalse(again.session_present, "MQTT %d, %s: the discarded session came back" % (version, flush))
            again.close()

    def test_a_qos2_publish_awaiting_pubrel_at_a_kill_9_is_stored_once_and_completed(self):
        """SIGKILL after PUBREC: the client resends the PUBLISH (DUP) to the
        restarted broker, which answers PUBREC without storing it again, and
        completes its PUBREL; the subscriber, offline until then, gets the
        message once."""
        for version, flush in ((4, "ASYNC_FLUSH"), (5, "SYNC_FLUSH")):
            self.restart("--flushDiskType", flush)
            client_id, topic = "q2-killed-%d" % version, "q2killed%d/x" % version
            expiry = struct.pack(">BI", 0x11, 300) if version == 5 else b""
            # Offline, so that no delivery before the kill settles the message
            # for this session (QoS 2 deliveries are exactly once across a kill).
            sub = self.persistent(client_id + "-sub", version)
            sub.subscribe(topic, 2)
            sub.close()
            pub = self.raw()
            pub.connect(client_id, version=version, clean=False, props=expiry)
            publish = lambda dup: publish_packet(topic, b"exactly once", qos=2, packet_id=7, version=version, dup=dup)
            pub.send(publish(False))
            self.assertEqual(pub.read_packet(), (0x50, struct.pack(">H", 7)))  # PUBREC
            self.restart("--flushDiskType", flush, kill=True)
            pub.close()

            pub = self.raw()
            self.assertEqual(pub.connect(client_id, version=version, clean=False, props=expiry)[:1], b"\x01",
                             "Session Present")
            pub.send(publish(True))
            self.assertEqual(pub.read_packet(), (0x50, struct.pack(">H", 7)), "MQTT %d, %s" % (version, flush))
            pub.send(packet(0x62, struct.pack(">H", 7)))  # PUBREL
            self.assertEqual(pub.read_packet(), (0x70, struct.pack(">H", 7)), "PUBCOMP, packet id known")
            back = self.persistent(client_id + "-sub", version)
            self.assertEqual(self.receive_payloads(back, 1), [b"exactly once"], "MQTT %d, %s" % (version, flush))
            back.close()
            pub.close()

    def test_qos2_deliveries_are_not_repeated_after_a_kill_9(self):
        """Three QoS 2 deliveries to a persistent session when gantryd is
        killed, with the group's offsets not yet on disk: one completed, one
        awaiting PUBCOMP, one awaiting PUBREC. After the restart the engine
        gives all three back; the client gets PUBREL for the second and the
        third again with its packet id (DUP), and neither of the others."""
        self.check_qos2_deliveries_after_a_kill_9("q2outkilled%d/x", ["q2outkilled%d/x"])

    def test_qos2_deliveries_to_overlapping_subscriptions_are_not_repeated_after_a_kill_9(self):
        """The same with two subscriptions matching every message: each
        message went out once for both, and after the restart each
        subscription's group gives its copy back; still only the PUBREL and
        the unanswered message with its packet id come."""
        self.check_qos2_deliveries_after_a_kill_9("q2overlap%d/x", ["q2overlap%d/x", "q2overlap%d/#"])

    def check_qos2_deliveries_after_a_kill_9(self, topic_pattern, filter_patterns):
        for version, flush in ((4, "ASYNC_FLUSH"), (5, "SYNC_FLUSH")):
            args = ("--flushDiskType", flush, "--flushConsumerOffsetInterval", "600000")
            self.restart(*args)
            client_id, topic = "q2-out-killed-%d-%d" % (version, len(filter_patterns)), topic_pattern % version
            expiry = struct.pack(">BI", 0x11, 300) if version == 5 else b""
            sub = self.raw()
            self.assertEqual(sub.connect(client_id, version=version, clean=False, props=expiry)[:1], b"\x00")
            for packet_id, pattern in enumerate(filter_patterns, 1):
                sub.send(subscribe_packet(packet_id, pattern % version, 2, version=version))
                self.assertEqual(sub.read_packet()[0], 0x90)
            pub = self.paho(client_id + "-pub")
            ids = {}
            for body in (b"completed", b"released", b"unanswered"):
                pub.publish(topic, body, 2)
                first, packet_body = sub.read_packet()
                self.assertEqual(first & 0xF6, 0x34, "expected a QoS 2 PUBLISH")
                self.assertTrue(packet_body.endswith(body))
                ids[body] = packet_body[2 + len(topic):4 + len(topic)]
            for body in (b"completed", b"released"):
                sub.send(packet(0x50, ids[body]))  # PUBREC
                self.assertEqual(sub.read_packet(), (0x62, ids[body]))  # PUBREL
            sub.send(packet(0x70, ids[b"completed"]))  # PUBCOMP
            sub.send(packet(0xC0, b""))  # PINGREQ: its answer means PUBCOMP was handled
            self.assertEqual(sub.read_packet(), (0xD0, b""))
            self.restart(*args, kill=True)
            sub.close()

            sub = self.raw()
            self.assertEqual(sub.connect(client_id, version=version, clean=False, props=expiry)[:1], b"\x01",
                             "Session Present")
            sub.sock.settimeout(1.5)
            got = []
            try:
                while len(got) < 5:
                    got.append(sub.read_packet())
            except socket.timeout:
                pass
            case = "MQTT %d, %s" % (version, flush)
            self.assertIn((0x62, ids[b"released"]), got, case)
            publishes = [(first, body) for first, body in got if first & 0xF0 == 0x30]
            self.assertEqual(len(got), 2, "%s: PUBREL and one PUBLISH, got %r" % (case, got))
            first, body = publishes[0]
            self.assertEqual((first, body[2 + len(topic):4 + len(topic)]), (0x3C, ids[b"unanswered"]),
                             "%s: QoS 2, DUP, the same packet id" % case)
            self.assertTrue(body.endswith(b"unanswered"), case)
            sub.send(packet(0x70, ids[b"released"]))
            sub.send(packet(0x50, ids[b"unanswered"]))
            sub.sock.settimeout(WAIT)
            self.assertEqual(sub.read_packet(), (0x62, ids[b"unanswered"]))
            sub.send(packet(0x70, ids[b"unanswered"]))
            sub.close()
            sub = self.raw()
            sub.connect(client_id, version=version, clean=False, props=expiry)
            self.assertFalse(sub.closed_within(0.7), "%s: nothing more was owed" % case)
            sub.close()
            pub.close()

    def test_session_expiry_interval_ends_a_5_0_session(self):
        short = self.persistent("short-lived", 5, expiry=1)
        short.subscribe("expire/x", 1)
        short.close()
        self.paho("expire-pub").publish("expire/x", b"late", 1)
        time.sleep(2.5)
        back = self.persistent("short-lived", 5)
        self.assertFalse(back.session_present)
        self.assertIsNone(back.no_message(0.7))
        # Expiry 0 (the 5.0 default): resumable while connected, gone at the end.
        zero = self.persistent("no-expiry", 5, expiry=0)
        zero.subscribe("expire/y", 1)
        zero.close()
        self.assertFalse(self.persistent("no-expiry", 5).session_present)

    def test_unacknowledged_deliveries_come_back_after_a_reconnect(self):
        raw = self.raw()
        self.assertEqual(raw.connect("unacked", version=4, clean=False), b"\x00\x00")
        raw.send(subscribe_packet(1, "unacked/q1", 1, version=4) + subscribe_packet(2, "unacked/q2", 2, version=4))
        self.assertEqual(raw.read_packet()[0], 0x90)
        self.assertEqual(raw.read_packet()[0], 0x90)
        pub = self.paho("unacked-pub")
        pub.publish("unacked/q1", b"one", 1)
        first, body = raw.read_packet()
        self.assertEqual((first & 0xF6, first & 0x08), (0x32, 0), "expected a first QoS 1 PUBLISH")
        pub.publish("unacked/q2", b"two", 2)
        first, body = raw.read_packet()
        self.assertEqual(first & 0xF6, 0x34, "expected a QoS 2 PUBLISH")
        qos2_id = body[2 + len("unacked/q2"):4 + len("unacked/q2")]
        raw.send(packet(0x50, qos2_id))  # PUBREC
        self.assertEqual(raw.read_packet(), (0x62, qos2_id))  # PUBREL
        raw.close()  # no PUBACK for "one", no PUBCOMP for "two"

        raw = self.raw()
        self.assertEqual(raw.connect("unacked", version=4, clean=False), b"\x01\x00")  # Session Present
        got = {}
        for _ in range(2):
            first, body = raw.read_packet()
            got[first & 0xF0] = (first, body)
        # §4.4: the QoS 2 exchange continues with PUBREL, the QoS 1 message is sent again with DUP.
        self.assertEqual(got[0x60], (0x62, qos2_id))
        first, body = got[0x30]
        self.assertEqual(first, 0x3A, "expected a QoS 1 PUBLISH with DUP set")
        self.assertTrue(body.endswith(b"one"))
        raw.send(packet(0x70, qos2_id))  # PUBCOMP
        raw.send(packet(0x40, body[2 + len("unacked/q1"):4 + len("unacked/q1")]))  # PUBACK
        raw.close()
        raw = self.raw()
        self.assertEqual(raw.connect("unacked", version=4, clean=False), b"\x01\x00")
        self.assertFalse(raw.closed_within(0.7), "nothing more was owed")

    def unacked_with_a_packet_id_a_new_connection_would_not_give(self, client_id, topic):
        """Connects `client_id` (3.1.1, persistent) subscribed to `topic` at
        QoS 1, has three messages sent to it, acknowledges the first two and
        leaves the third unacknowledged; returns that one's packet id (not 1,
        which a fresh connection's first delivery would get)."""
        raw = self.raw()
        self.assertEqual(raw.connect(client_id, version=4, clean=False)[1:], b"\x00")
        raw.send(subscribe_packet(1, topic, 1, version=4))
        self.assertEqual(raw.read_packet()[0], 0x90)
        pub = self.paho(client_id + "-pub")
        for i in range(3):
            pub.publish(topic, b"m%d" % i, 1)
        ids = []
        for _ in range(3):
            first, body = raw.read_packet()
            ids.append(body[2 + len(topic):4 + len(topic)])
        for packet_id in ids[:2]:
            raw.send(packet(0x40, packet_id))  # PUBACK
        time.sleep(0.2)  # the acknowledgements are read before the connection ends
        raw.close()
        self.assertNotEqual(ids[2], b"\x00\x01")
        return ids[2]

    def expect_resent(self, client_id, topic, packet_id):
        raw = self.raw()
        self.assertEqual(raw.connect(client_id, version=4, clean=False), b"\x01\x00")
        first, body = raw.read_packet()
        self.assertEqual(first, 0x3A, "expected a QoS 1 PUBLISH with DUP set")
        self.assertEqual(body[2 + len(topic):4 + len(topic)], packet_id, "[MQTT-4.4.0-1]: its original packet id")
        self.assertTrue(body.endswith(b"m2"))
        raw.send(packet(0x40, packet_id))
        raw.sock.settimeout(0.7)
        with self.assertRaises(socket.timeout, msg="nothing else was owed"):
            raw.sock.recv(1)

    def test_unacknowledged_deliveries_go_again_with_their_original_packet_ids(self):
        packet_id = self.unacked_with_a_packet_id_a_new_connection_would_not_give("ids", "ids/t")
        self.expect_resent("ids", "ids/t", packet_id)

    def test_original_packet_ids_are_kept_across_a_restart(self):
        packet_id = self.unacked_with_a_packet_id_a_new_connection_would_not_give("ids-restart", "idr/t")
        self.restart()
        self.expect_resent("ids-restart", "idr/t", packet_id)

    def check_a_shares_qos_2_message_waits_for_its_member(self, kill):
        """5.0 §4.8.2 (Gantry holds 3.1.1 members to it too): sent to a
        persistent member, a share's QoS 2 message is that member's to
        complete, across a restart (`kill`: a kill -9, when the engine may
        hand it to another member); no other member gets it."""
        topic = "sq2/x"
        member = self.raw()
        self.assertEqual(member.connect("share-q2-a", version=4, clean=False)[1:], b"\x00")
        member.send(subscribe_packet(1, "$share/q2/sq2/#", 2, version=4))
        self.assertEqual(member.read_packet()[0], 0x90)
        self.paho("share-q2-pub").publish(topic, b"once", 2)
        first, body = member.read_packet()
        self.assertEqual(first & 0xF6, 0x34, "expected a QoS 2 PUBLISH")
        packet_id = body[2 + len(topic):4 + len(topic)]
        member.close()  # without PUBREC
        self.restart(kill=kill)

        other = self.raw()  # subscribes first
        self.assertEqual(other.connect("share-q2-b", version=4, clean=False)[1:], b"\x00")
        other.send(subscribe_packet(1, "$share/q2/sq2/#", 2, version=4))
        self.assertEqual(other.read_packet()[0], 0x90)
        member = self.raw()
        self.assertEqual(member.connect("share-q2-a", version=4, clean=False), b"\x01\x00")
        first, body = member.read_packet()
        self.assertEqual(first, 0x3C, "expected a QoS 2 PUBLISH with DUP set")
        self.assertEqual(body[2 + len(topic):4 + len(topic)], packet_id, "[MQTT-4.4.0-1]: its original packet id")
        self.assertTrue(body.endswith(b"once"), body)
        member.send(packet(0x50, packet_id))  # PUBREC
        self.assertEqual(member.read_packet()[0], 0x62)  # PUBREL
        member.send(packet(0x70, packet_id))  # PUBCOMP
        other.sock.settimeout(0.7)
        with self.assertRaises(socket.timeout, msg="another member of the share got the message"):
            other.sock.recv(1)

    def test_a_shares_qos_2_message_waits_for_its_persistent_member_across_a_restart(self):
        self.check_a_shares_qos_2_message_waits_for_its_member(kill=False)

    def test_a_shares_qos_2_message_waits_for_its_persistent_member_across_a_kill_9(self):
        self.check_a_shares_qos_2_message_waits_for_its_member(kill=True)

    def test_an_unacknowledged_delivery_goes_again_on_a_live_connection_only_before_5_0(self):
        self.restart("--mqtt.deliveryAckTimeout", "1000")
        pub = self.paho("live-pub")
        for version, resent in ((4, True), (5, False)):
            topic = "live%d/t" % version
            raw = self.raw()
            raw.connect("live-%d" % version, version=version)
            raw.send(subscribe_packet(1, topic, 1, version=version))
            self.assertEqual(raw.read_packet()[0], 0x90)
            pub.publish(topic, b"x", 1)
            self.assertEqual(raw.read_packet()[0] & 0xF6, 0x32)  # not acknowledged
            raw.sock.settimeout(3.0)  # three times mqtt.deliveryAckTimeout
            try:
                again = raw.read_packet()[0] & 0xF6 == 0x32
            except socket.timeout:
                again = False
            self.assertEqual(again, resent, "MQTT %s: %s" % (
                "3.1.1" if version == 4 else "5.0",
                "sent again after mqtt.deliveryAckTimeout" if resent else "5.0 §4.4: only when the session resumes"))
            raw.close()

    def test_a_takeover_continues_the_persistent_session_of_the_connection_it_replaces(self):
        holder = self.raw()
        self.assertEqual(holder.connect("taken", version=4, clean=False), b"\x00\x00")
        holder.send(subscribe_packet(1, "taken/x", 1, version=4))
        self.assertEqual(holder.read_packet()[0], 0x90)
        successor = self.raw()  # while the holder is still connected
        self.assertEqual(successor.connect("taken", version=4, clean=False), b"\x01\x00")
        self.assertTrue(holder.closed_within(WAIT), "the holder was not disconnected")
        self.paho("taken-pub").publish("taken/x", b"after", 1)
        first, body = successor.read_packet()
        self.assertEqual(first & 0xF6, 0x32)
        self.assertTrue(body.endswith(b"after"), body)

    # --- slow subscribers -----------------------------------------------------

    SLOW_BUDGET = "16384"  # mqtt.outputBudgetBytes for these tests

    def slow_subscriber(self, client_id, *subscriptions):
        """A 3.1.1 raw client with a 4 KiB receive buffer that subscribes to
        (filter, qos) pairs and then reads nothing until the test says."""
        slow = self.raw(receive_buffer=4096)
        self.assertEqual(slow.connect(client_id, version=4), b"\x00\x00")
        for i, (topic_filter, qos) in enumerate(subscriptions, 1):
            slow.send(subscribe_packet(i, topic_filter, qos, version=4))
            self.assertEqual(slow.read_packet(), (0x90, struct.pack(">HB", i, qos)))
        return slow

    def flood(self, topic, count, qos, size=1024):
        """Publishes `count` messages of `size` bytes ("<number>:xxx…") from a
        3.1.1 raw client and returns once all are stored (QoS 1: every PUBACK;
        QoS 0: the PUBACK of a QoS 1 publish sent after them)."""
        pub = self.raw()
        pub.sock.settimeout(60)  # storing megabytes in a debug build
        self.assertEqual(pub.connect("flood-%s" % topic.replace("/", "-"), version=4), b"\x00\x00")
        fence = 0xFFFF
        batch = []
        for i in range(count):
            payload = b"%d:" % i
            batch.append(publish_packet(topic, payload + b"x" * (size - len(payload)), qos, i % 0xFFF0 + 1,
                                        version=4))
            if len(batch) == 500:
                pub.send(b"".join(batch))
                batch = []
        pub.send(b"".join(batch) + publish_packet(topic + "/fence", b"", 1, fence, version=4))
        acks = [pub.read_packet() for _ in range(count + 1 if qos else 1)]
        self.assertEqual(acks[-1], (0x40, struct.pack(">H", fence)))
        self.assertTrue(all(first == 0x40 for first, _ in acks), "a publish was refused")
        pub.close()

    @staticmethod
    def read_publishes(client, done, quiet=1.0):
        """{topic: [payload number, …]} of every PUBLISH `client` receives
        (QoS 1 ones acknowledged): until `done(what came so far)` (at most a
        minute: a socket that was full may stall for a TCP back-off), then
        until nothing more comes for `quiet` seconds."""
        got = {}
        data = b""
        client.sock.settimeout(quiet)
        deadline = time.monotonic() + 60
        while True:
            finished = done(got)
            if not finished and time.monotonic() > deadline:
                return got
            try:
                chunk = client.sock.recv(65536)
            except socket.timeout:
                if finished:
                    return got
                continue
            if not chunk:
                return got
            data += chunk
            acks = []
            while len(data) >= 2:
                length, shift, at = 0, 0, 1
                while at < len(data):
                    length |= (data[at] & 0x7F) << shift
                    shift += 7
                    at += 1
                    if not data[at - 1] & 0x80:
                        break
                else:
                    break
                if len(data) < at + length:
                    break
                first, body, data = data[0], data[at:at + length], data[at + length:]
                if first & 0xF0 != 0x30:
                    continue
                qos = (first >> 1) & 3
                topic_length = struct.unpack(">H", body[:2])[0]
                topic = body[2:2 + topic_length].decode()
                payload = body[2 + topic_length + (2 if qos else 0):]
                if qos == 1:
                    acks.append(packet(0x40, body[2 + topic_length:4 + topic_length]))
                got.setdefault(topic, []).append(int(payload.split(b":", 1)[0]))
            if acks:
                client.send(b"".join(acks))

    def reported_drops(self, client_id):
        """The QoS 0 drops gantryd logged for `client_id`, summed."""
        pattern = re.compile(r"client '%s' from \S+ was too slow: (\d+) QoS 0 messages dropped "
                             r"\(mqtt\.qos0Overflow = drop\)" % re.escape(client_id))
        return sum(int(n) for n in pattern.findall(self.broker.stderr()))

    def assert_still_serving(self):
        other = self.paho("bystander")
        other.subscribe("alive/x", 1)
        other.publish("alive/x", b"ping", 1)
        self.assertEqual(other.next_message().payload, b"ping")
        other.close()

    def test_slow_subscriber_loses_qos0_past_the_output_budget_with_qos0_overflow_drop(self):
        self.restart("--mqtt.qos0Overflow", "drop", "--mqtt.outputBudgetBytes", self.SLOW_BUDGET)
        count = 20000
        slow = self.slow_subscriber("slow-drop", ("slow/q0", 0), ("slow/q1", 1))
        self.flood("slow/q0", count, 0)
        self.flood("slow/q1", 200, 1)  # while the output is still over budget
        self.assert_still_serving()
        # The QoS 1 messages come after every QoS 0 one that was not dropped.
        got = self.read_publishes(slow, lambda got: len(got.get("slow/q1", [])) >= 200)
        qos0 = got.get("slow/q0", [])
        self.assertLess(len(qos0), count, "nothing was dropped")
        self.assertEqual(qos0, sorted(qos0), "QoS 0 messages out of order")
        self.assertEqual(got.get("slow/q1"), list(range(200)), "QoS 1 messages lost or reordered")
        # Caught up: QoS 0 is delivered again.
        self.flood("slow/q0", 1, 0)
        self.assertEqual(self.read_publishes(slow, lambda got: "slow/q0" in got), {"slow/q0": [0]})
        slow.close()
        # Reported when it caught up, and what was left when it ended.
        deadline = time.monotonic() + WAIT
        while self.reported_drops("slow-drop") < count - len(qos0) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.reported_drops("slow-drop"), count - len(qos0), self.broker.stderr()[-3000:])

    def test_slow_qos1_subscriber_loses_nothing_with_the_default_qos0_overflow(self):
        self.restart("--mqtt.outputBudgetBytes", self.SLOW_BUDGET)
        count = 3000
        slow = self.slow_subscriber("slow-wait", ("wait/q1", 1), ("wait/q0", 0))
        self.flood("wait/q1", count, 1)
        self.flood("wait/q0", count, 0)
        self.assert_still_serving()
        got = self.read_publishes(slow, lambda got: all(len(got.get(t, [])) >= count for t in ("wait/q1", "wait/q0")))
        self.assertEqual(got.get("wait/q1"), list(range(count)))
        self.assertEqual(got.get("wait/q0"), list(range(count)))
        slow.close()
        self.assertNotIn("was too slow", self.broker.stderr())

    # --- cross-protocol -------------------------------------------------------

    def test_native_message_reaches_mqtt_subscribers(self):
        exact = self.mosquitto_sub("native/b/c", "-V", "mqttv311", "-q", "1", "-C", "1", "-v")
        wild = self.paho("native-wild")
        wild.subscribe("native/+/c", 1)
        gantry = harness.sibling_program("gantry")
        result = subprocess.run([gantry, "-n", "127.0.0.1:%d" % self.port, "produce", "native", "from-remoting",
                                 "--tags", "b/c"], stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(exact.wait_for("native/b/c from-remoting"), exact.seen)
        msg = wild.next_message()
        self.assertEqual((msg.topic, msg.payload), ("native/b/c", b"from-remoting"))

    def test_a_rocketmq_producers_compressed_body_reaches_mqtt_inflated(self):
        sub = self.paho("compressed-sub")
        sub.subscribe("packed/#", 1)
        body = b"".join(b"line %d of a report that RocketMQ clients compress\n" % i for i in range(200))
        clients.send_compressed(self.port, "packed", body, "r")
        msg = sub.next_message()
        self.assertEqual((msg.topic, msg.payload), ("packed/r", body))


if __name__ == "__main__":
    harness.main(__doc__)
