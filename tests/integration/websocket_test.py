#!/usr/bin/python3
"""MQTT, STOMP, AMQP 1.0 and plain HTTP on gantryd's WebSocket port (issue #8).

Usage: websocket_test.py GANTRYD [unittest arguments]

Clients: Debian's unmodified python3-paho-mqtt with transport="websockets"
and mosquitto_sub / mosquitto_pub and python3-stomp over TCP (only under
/usr/bin/python3). Debian's python3-stomp has no WebSocket transport, so STOMP
over WebSocket is driven by the small RFC 6455 client of protocol_clients,
written with the standard library; AMQP over WebSocket by python3-qpid-proton's
protocol engine over that client, against proton's BlockingConnection over
TCP. Every wait is bounded, and only the processes started here are stopped,
by PID.
"""

import http.client
import os
import struct

from proton import Delivery, Message
from proton.utils import BlockingConnection

import gantryd_harness as harness
import protocol_clients as clients

WAIT = clients.WAIT


def mqtt_connect(client_id):
    """An MQTT 3.1.1 CONNECT: clean session, keep-alive 60 s."""
    variable = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack("!H", len(client_id)) + client_id.encode()
    return bytes([0x10, len(variable)]) + variable


MQTT_CONNACK_ACCEPTED = b"\x20\x02\x00\x00"
MQTT_PINGREQ = b"\xc0\x00"
MQTT_PINGRESP = b"\xd0\x00"


class websocket_test(harness.gantryd_test_case):
    def setUp(self):
        super().setUp()
        self.broker = self.start_serving("--storePathRootDir", os.path.join(self.workdir, "data"))

    def paho(self, client_id, transport="websockets"):
        """A connected paho client (MQTT 3.1.1) collecting its messages."""
        port = self.websocket_port if transport == "websockets" else self.mqtt_port
        c = clients.mqtt_client(port, client_id, version=3, transport=transport)
        self.close_at_end(c.close)
        return c

    def subscribe(self, client, topic, qos=1):
        self.assertEqual(client.subscribe(topic, qos), (qos,))

    def mosquitto_sub(self, topic):
        s = clients.mosquitto_sub(self.mqtt_port, topic, "-q", "1", "-C", "1")
        self.close_at_end(s.stop)
        self.assertTrue(s.wait_for("SUBACK"), "mosquitto_sub did not subscribe")
        return s

    def stomp_tcp(self):
        conn = clients.stomp_connection(self.stomp_port)
        self.close_at_end(conn.disconnect)
        return conn

    def stomp_ws(self):
        c = clients.stomp_over_websocket(self.websocket_port)
        self.assertEqual(c.ws.status, 101, c.ws.body)
        self.assertEqual(c.ws.headers.get("sec-websocket-protocol"), "v12.stomp")
        self.close_at_end(c.ws.close)
        c.send_frame("CONNECT", {"accept-version": "1.2", "host": "127.0.0.1"}, split=True)
        _, headers, _ = c.expect("CONNECTED")
        self.assertEqual(headers["version"], "1.2")
        return c

    # --- MQTT over WebSocket ---------------------------------------------------

    def test_paho_publishes_and_subscribes_with_qos1(self):
        sub = self.paho("ws-sub")
        self.subscribe(sub, "ws/qos1")
        pub = self.paho("ws-pub")
        pub.publish("ws/qos1", b"over websocket \x00\xff")
        message = sub.next_message()
        self.assertEqual((message.topic, message.payload, message.qos), ("ws/qos1", b"over websocket \x00\xff", 1))

    def test_retained_message_over_websocket(self):
        pub = self.paho("ws-retainer")
        pub.publish("ws/retained", b"kept", retain=True)
        sub = self.paho("ws-late")
        self.subscribe(sub, "ws/retained")
        message = sub.next_message()
        self.assertEqual((message.payload, message.retain), (b"kept", 1))

    def test_websocket_and_tcp_clients_see_each_others_messages(self):
        tcp_sub = self.mosquitto_sub("cross/to-tcp")
        ws = self.paho("ws-cross")
        ws.publish("cross/to-tcp", b"from the websocket")
        self.assertTrue(tcp_sub.wait_for("from the websocket"), "mosquitto_sub got nothing")

        self.subscribe(ws, "cross/to-ws")
        published = clients.mosquitto_pub(self.mqtt_port, "cross/to-ws", "from tcp", "-q", "1")
        self.assertEqual(published.returncode, 0, published.stderr)
        message = ws.next_message()
        self.assertEqual((message.topic, message.payload), ("cross/to-ws", b"from tcp"))

    # --- STOMP over WebSocket --------------------------------------------------

    def test_stomp_over_websocket_sends_and_subscribes_with_receipts(self):
        c = self.stomp_ws()
        c.send_frame("SUBSCRIBE", {"destination": "/queue/ws", "id": "1", "receipt": "r-sub"})
        self.assertEqual(c.expect("RECEIPT")[1]["receipt-id"], "r-sub")
        c.send_frame("SEND", {"destination": "/queue/ws", "receipt": "r-send", "content-type": "text/plain"},
                     b"hello over websocket", split=True)
        frames = [c.read_frame(), c.read_frame()]
        commands = sorted(f[0] for f in frames)
        self.assertEqual(commands, ["MESSAGE", "RECEIPT"])
        message = next(f for f in frames if f[0] == "MESSAGE")
        self.assertEqual(message[2], b"hello over websocket")
        self.assertEqual(message[1]["subscription"], "1")

    def test_stomp_over_websocket_and_python_stomp_over_tcp_see_each_others_messages(self):
        ws = self.stomp_ws()
        tcp = self.stomp_tcp()
        tcp.subscribe("/queue/to-tcp", "t1")  # a queue keeps the message until this subscription is in place
        ws.send_frame("SEND", {"destination": "/queue/to-tcp", "receipt": "s1"}, b"ws to tcp")
        ws.expect("RECEIPT")
        frame = tcp.got.messages.get(timeout=WAIT)
        self.assertEqual(frame.body, "ws to tcp")

        ws.send_frame("SUBSCRIBE", {"destination": "/queue/to-ws", "id": "w1", "receipt": "ws-sub"})
        ws.expect("RECEIPT")
        tcp.send("/queue/to-ws", "tcp to ws")
        _, headers, body = ws.expect("MESSAGE")
        self.assertEqual((headers["destination"], body), ("/queue/to-ws", b"tcp to ws"))

    def test_amqp_over_websocket_and_amqp_over_tcp_see_each_others_messages(self):
        ws = clients.amqp_over_websocket(self.websocket_port)
        self.close_at_end(ws.close)
        tcp = BlockingConnection("amqp://127.0.0.1:%d" % self.amqp_port, timeout=WAIT)
        self.close_at_end(tcp.close)
        receiver = tcp.create_receiver("queue://from-ws")
        sent = Message(body="ws to tcp", content_type="text/plain", properties={"n": 7})
        self.assertEqual(ws.send("queue://from-ws", sent), Delivery.ACCEPTED)
        got = receiver.receive(timeout=WAIT)
        receiver.accept()
        self.assertEqual((got.body, got.content_type, got.properties), ("ws to tcp", "text/plain", {"n": 7}))
        tcp.create_sender("queue://to-ws").send(Message(body=b"tcp to ws", correlation_id="c-1"))
        back = ws.receive("queue://to-ws")
        self.assertEqual((back.body, back.correlation_id), (b"tcp to ws", "c-1"))

    # --- refusals and plain HTTP -------------------------------------------------

    # --- RFC 6455 framing ---------------------------------------------------

    def mqtt_ws(self):
        ws = clients.raw_websocket(self.websocket_port, "mqtt", path="/mqtt")
        self.assertEqual(ws.status, 101, ws.body)
        self.close_at_end(ws.sock.close)
        return ws

    def receive_bytes(self, ws, n):
        """n bytes of message payload, whatever messages they came in."""
        data = b""
        while len(data) < n:
            message = ws.receive()
            self.assertIsNotNone(message, "the broker closed the WebSocket (%s)" % ws.close_code)
            data += message
        return data

    def test_fragments_pings_and_packets_sharing_a_message_are_read_as_one_stream(self):
        ws = self.mqtt_ws()
        connect = mqtt_connect("ws-frames")
        # One CONNECT over three fragments, with a ping between two of them.
        ws.send(connect[:5], 0x2, fin=False)
        ws.send(connect[5:9], 0x0, fin=False)
        ws.send(b"are you there", 0x9)
        ws.send(connect[9:], 0x0)
        self.assertEqual(self.receive_bytes(ws, 4), MQTT_CONNACK_ACCEPTED)
        self.assertEqual(ws.pongs, [b"are you there"])
        # Three PINGREQs in one message; an empty message changes nothing.
        ws.send(b"", 0x2)
        ws.send(MQTT_PINGREQ * 3, 0x2)
        self.assertEqual(self.receive_bytes(ws, 6), MQTT_PINGRESP * 3)

    def test_the_peers_close_is_answered_with_its_status_and_the_socket_closed(self):
        ws = self.mqtt_ws()
        ws.send(mqtt_connect("ws-closer"), 0x2)
        self.assertEqual(self.receive_bytes(ws, 4), MQTT_CONNACK_ACCEPTED)
        ws.send(struct.pack("!H", 1001) + b"bye", 0x8)
        self.assertIsNone(ws.receive())
        self.assertEqual(ws.close_code, 1001)
        self.assertTrue(ws.closed_by_server())

    def assert_refused(self, ws, status, reason_part):
        self.assertIsNone(ws.receive(), "the broker answered instead of closing")
        self.assertEqual(ws.close_code, status, ws.close_reason)
        self.assertIn(reason_part, ws.close_reason)
        self.assertTrue(ws.closed_by_server())

    def test_frames_breaking_rfc_6455_are_closed_with_the_status_they_earned(self):
        unmasked = self.mqtt_ws()
        unmasked.send(mqtt_connect("ws-unmasked"), 0x2, masked=False)
        self.assert_refused(unmasked, 1002, "mask")

        text = self.mqtt_ws()  # MQTT over WebSocket is binary only [MQTT-6.0.0-1]
        text.send(b"hello", 0x1)
        self.assert_refused(text, 1003, "text")

        continuation = self.mqtt_ws()
        continuation.send(b"\x10", 0x0)
        self.assert_refused(continuation, 1002, "continuation")

        # mqtt.maxFrameSize (1 MiB) is also the largest WebSocket message:
        # refused on the header that announces more.
        big = self.mqtt_ws()
        big.sock.sendall(struct.pack("!BBQ", 0x82, 0x80 | 127, 2 * 1024 * 1024) + os.urandom(4))
        self.assert_refused(big, 1009, "")

        bad_utf8 = clients.stomp_over_websocket(self.websocket_port)
        self.close_at_end(bad_utf8.ws.sock.close)
        bad_utf8.ws.send(b"CONNECT\n\xc3\x28", 0x1)
        self.assert_refused(bad_utf8.ws, 1007, "UTF-8")
        # The broker serves on.
        self.paho("after-refusals")

    def test_unknown_subprotocol_is_refused_with_400_naming_the_offered_ones(self):
        refused = clients.raw_websocket(self.websocket_port, "bogus.v1", path="/mqtt")
        refused.sock.close()
        self.assertEqual(refused.status, 400)
        for name in (b"mqtt", b"mqttv3.1", b"v12.stomp", b"v11.stomp", b"v10.stomp", b"amqp", b"bogus.v1"):
            self.assertIn(name, refused.body)
        none = clients.raw_websocket(self.websocket_port, None, path="/mqtt")
        none.sock.close()
        self.assertEqual(none.status, 400)
        # The broker serves on after refusing.
        self.paho("after-refusal")

    def test_healthz_answers_ok_and_the_start_up_line_names_the_listener(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.websocket_port, timeout=WAIT)
        self.close_at_end(conn.close)
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        self.assertEqual((response.status, response.read()), (200, b"ok"))
        self.assertIn("WebSocket on 127.0.0.1:%d (mqtt, mqttv3.1, v12.stomp, v11.stomp, v10.stomp, amqp)"
                      % self.websocket_port, self.broker.stderr())


if __name__ == "__main__":
    harness.main(__doc__)
