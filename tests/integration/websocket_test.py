#!/usr/bin/python3
"""MQTT, STOMP and plain HTTP on gantryd's WebSocket port (issue #8).

Usage: websocket_test.py GANTRYD [unittest arguments]

Clients: Debian's unmodified python3-paho-mqtt with transport="websockets"
and mosquitto_sub / mosquitto_pub and python3-stomp over TCP (only under
/usr/bin/python3). Debian's python3-stomp has no WebSocket transport, so STOMP
over WebSocket is driven by a small RFC 6455 client written here with the
standard library. Every wait is bounded, and only the processes started here
are stopped, by PID.
"""

import base64
import hashlib
import http.client
import os
import queue
import socket
import struct
import subprocess
import sys
import threading
import time
import unittest

import paho.mqtt.client as paho
import stomp

import gantryd_harness as harness

WAIT = 10.0  # seconds any single expectation may take
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class raw_websocket:
    """A minimal RFC 6455 client: the opening handshake, masked binary frames
    out, whole messages in (pings answered)."""

    def __init__(self, port, subprotocols=None, path="/stomp"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        key = base64.b64encode(os.urandom(16)).decode()
        request = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n" % (path, port, key))
        if subprotocols:
            request += "Sec-WebSocket-Protocol: %s\r\n" % subprotocols
        self.sock.sendall((request + "\r\n").encode())
        self.pending = b""
        while b"\r\n\r\n" not in self.pending:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.pending += chunk
        head, _, self.pending = self.pending.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.body = b""
        if self.status == 101:
            expected = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
            assert self.headers.get("sec-websocket-accept") == expected, self.headers
        else:
            self.body = self._exactly(int(self.headers.get("content-length", "0")))

    def _exactly(self, n):
        while len(self.pending) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server closed the connection")
            self.pending += chunk
        data, self.pending = self.pending[:n], self.pending[n:]
        return data

    def send(self, payload, opcode=0x2):
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        """The next data message's payload; None once the server closed."""
        message = b""
        while True:
            first, second = self._exactly(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._exactly(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exactly(8))[0]
            payload = self._exactly(n)
            opcode = first & 0x0F
            if opcode == 0x8:
                return None
            if opcode == 0x9:
                self.send(payload, 0xA)
                continue
            if opcode == 0xA:
                continue
            message += payload
            if first & 0x80:
                return message

    def close(self):
        try:
            self.send(struct.pack("!H", 1000), 0x8)
            while self.receive() is not None:
                pass
        except (OSError, EOFError):
            pass
        self.sock.close()


class stomp_over_websocket:
    """STOMP 1.2 frames over raw_websocket; frames may span messages."""

    def __init__(self, port, path="/stomp"):
        self.ws = raw_websocket(port, "v12.stomp", path)
        self.buffer = b""

    def send_frame(self, command, headers, body=b"", split=False):
        frame = command.encode() + b"\n"
        frame += b"".join(("%s:%s\n" % item).encode() for item in headers.items())
        frame += b"\n" + body + b"\0"
        if split:  # one frame over two WebSocket messages
            self.ws.send(frame[:7])
            self.ws.send(frame[7:])
        else:
            self.ws.send(frame)

    def read_frame(self):
        while True:
            self.buffer = self.buffer.lstrip(b"\r\n")  # heart-beats
            if b"\0" in self.buffer:
                frame, _, self.buffer = self.buffer.partition(b"\0")
                head, _, body = frame.partition(b"\n\n")
                lines = head.decode().split("\n")
                headers = dict(line.split(":", 1) for line in lines[1:])
                return lines[0], headers, body
            message = self.ws.receive()
            if message is None:
                raise EOFError("the broker closed the WebSocket")
            self.buffer += message

    def expect(self, command):
        got = self.read_frame()
        assert got[0] == command, got
        return got


class mosquitto_sub:
    """mosquitto_sub over TCP in the background, waiting for one message."""

    def __init__(self, port, topic):
        self.process = subprocess.Popen(
            ["stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", topic, "-q", "1", "-d",
             "-C", "1", "-W", "20"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.decode(errors="replace").rstrip("\n"))

    def wait_for(self, text, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if text in self.lines.get(timeout=0.2):
                    return True
            except queue.Empty:
                pass
        return False

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.reader.join(timeout=2)
        self.process.stdout.close()


class websocket_test(harness.gantryd_test_case):
    def setUp(self):
        super().setUp()
        self.closers = []  # clients to close before the broker stops
        p = self.start("--storePathRootDir", os.path.join(self.workdir, "data"))
        self.assertTrue(p.wait_until_serving(), p.stderr())
        self.broker = p

    def tearDown(self):
        for close in reversed(self.closers):
            try:
                close()
            except Exception:
                pass
        super().tearDown()

    def paho(self, client_id, transport="websockets"):
        """A connected paho client (MQTT 3.1.1) collecting its messages."""
        c = paho.Client(client_id=client_id, transport=transport, protocol=paho.MQTTv311)
        c.messages = queue.Queue()
        c.subacks = queue.Queue()
        connected = threading.Event()
        c.on_connect = lambda client, userdata, flags, rc: connected.set() if rc == 0 else None
        c.on_message = lambda client, userdata, message: c.messages.put(message)
        c.on_subscribe = lambda client, userdata, mid, granted: c.subacks.put(granted)
        if transport == "websockets":
            c.ws_set_options(path="/mqtt")
            c.connect("127.0.0.1", self.websocket_port, keepalive=30)
        else:
            c.connect("127.0.0.1", self.mqtt_port, keepalive=30)
        c.loop_start()
        self.closers += [c.loop_stop, c.disconnect]
        self.assertTrue(connected.wait(WAIT), "paho (%s) did not connect:\n%s" % (transport, self.broker.stderr()))
        return c

    def subscribe(self, client, topic, qos=1):
        client.subscribe(topic, qos)
        self.assertEqual(client.subacks.get(timeout=WAIT), (qos,))

    def publish(self, client, topic, payload, qos=1, retain=False):
        info = client.publish(topic, payload, qos=qos, retain=retain)
        deadline = time.monotonic() + WAIT
        while not info.is_published() and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertTrue(info.is_published(), "no PUBACK for %s" % topic)

    def mosquitto_sub(self, topic):
        s = mosquitto_sub(self.mqtt_port, topic)
        self.closers.append(s.stop)
        self.assertTrue(s.wait_for("SUBACK"), "mosquitto_sub did not subscribe")
        return s

    def stomp_tcp(self):
        conn = stomp.Connection12([("127.0.0.1", self.stomp_port)])
        messages = queue.Queue()

        class collector(stomp.ConnectionListener):
            def on_message(self, frame):
                messages.put(frame)

        conn.set_listener("collector", collector())
        conn.connect(wait=True)
        conn.messages = messages
        self.closers.append(conn.disconnect)
        return conn

    def stomp_ws(self):
        c = stomp_over_websocket(self.websocket_port)
        self.assertEqual(c.ws.status, 101, c.ws.body)
        self.assertEqual(c.ws.headers.get("sec-websocket-protocol"), "v12.stomp")
        self.closers.append(c.ws.close)
        c.send_frame("CONNECT", {"accept-version": "1.2", "host": "127.0.0.1"}, split=True)
        _, headers, _ = c.expect("CONNECTED")
        self.assertEqual(headers["version"], "1.2")
        return c

    # --- MQTT over WebSocket ---------------------------------------------------

    def test_paho_publishes_and_subscribes_with_qos1(self):
        sub = self.paho("ws-sub")
        self.subscribe(sub, "ws/qos1")
        pub = self.paho("ws-pub")
        self.publish(pub, "ws/qos1", b"over websocket \x00\xff")
        message = sub.messages.get(timeout=WAIT)
        self.assertEqual((message.topic, message.payload, message.qos), ("ws/qos1", b"over websocket \x00\xff", 1))

    def test_retained_message_over_websocket(self):
        pub = self.paho("ws-retainer")
        self.publish(pub, "ws/retained", b"kept", retain=True)
        sub = self.paho("ws-late")
        self.subscribe(sub, "ws/retained")
        message = sub.messages.get(timeout=WAIT)
        self.assertEqual((message.payload, message.retain), (b"kept", 1))

    def test_websocket_and_tcp_clients_see_each_others_messages(self):
        tcp_sub = self.mosquitto_sub("cross/to-tcp")
        ws = self.paho("ws-cross")
        self.publish(ws, "cross/to-tcp", b"from the websocket")
        self.assertTrue(tcp_sub.wait_for("from the websocket"), "mosquitto_sub got nothing")

        self.subscribe(ws, "cross/to-ws")
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.mqtt_port), "-t", "cross/to-ws",
                        "-q", "1", "-m", "from tcp"], check=True, timeout=WAIT)
        message = ws.messages.get(timeout=WAIT)
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
        frame = tcp.messages.get(timeout=WAIT)
        self.assertEqual(frame.body, "ws to tcp")

        ws.send_frame("SUBSCRIBE", {"destination": "/queue/to-ws", "id": "w1", "receipt": "ws-sub"})
        ws.expect("RECEIPT")
        tcp.send("/queue/to-ws", "tcp to ws")
        _, headers, body = ws.expect("MESSAGE")
        self.assertEqual((headers["destination"], body), ("/queue/to-ws", b"tcp to ws"))

    # --- refusals and plain HTTP -------------------------------------------------

    def test_unknown_subprotocol_is_refused_with_400_naming_the_offered_ones(self):
        refused = raw_websocket(self.websocket_port, "bogus.v1", path="/mqtt")
        refused.sock.close()
        self.assertEqual(refused.status, 400)
        for name in (b"mqtt", b"mqttv3.1", b"v12.stomp", b"v11.stomp", b"v10.stomp", b"amqp", b"bogus.v1"):
            self.assertIn(name, refused.body)
        none = raw_websocket(self.websocket_port, None, path="/mqtt")
        none.sock.close()
        self.assertEqual(none.status, 400)
        # The broker serves on after refusing.
        self.paho("after-refusal")

    def test_healthz_answers_ok_and_the_start_up_line_names_the_listener(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.websocket_port, timeout=WAIT)
        self.closers.append(conn.close)
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        self.assertEqual((response.status, response.read()), (200, b"ok"))
        self.assertIn("WebSocket on 127.0.0.1:%d (mqtt, mqttv3.1, v12.stomp, v11.stomp, v10.stomp, amqp)"
                      % self.websocket_port, self.broker.stderr())


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    harness.GANTRYD = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0], *sys.argv[2:]], verbosity=2)
