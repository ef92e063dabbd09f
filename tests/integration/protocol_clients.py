"""Client helpers the integration tests share: python3-paho-mqtt over TCP or
WebSocket, python3-stomp's frames collected, a small RFC 6455 client with
STOMP 1.2 on top of it (Debian's python3-stomp has no WebSocket transport),
and the native protocol's send and pull on remoting_wire's client. Every
wait is bounded."""

import base64
import hashlib
import os
import queue
import re
import socket
import struct
import threading
import time

import paho.mqtt.client as paho
import stomp

from remoting_wire import remoting_client

WAIT = 10.0  # seconds any single expectation may take
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


# --- MQTT ------------------------------------------------------------------------

class mqtt_client:
    """A python3-paho-mqtt client (3.1.1 or 5.0, over TCP or WebSocket) on its
    own network thread, collecting what it receives."""

    def __init__(self, port, client_id, version=5, transport="tcp"):
        protocol = paho.MQTTv5 if version == 5 else paho.MQTTv311
        self.client = paho.Client(client_id=client_id, protocol=protocol, transport=transport)
        self.messages = queue.Queue()
        self.subacks = queue.Queue()
        connected = threading.Event()
        self.client.on_connect = lambda c, u, flags, rc, props=None: connected.set() if rc == 0 else None
        self.client.on_message = lambda c, u, message: self.messages.put(message)
        self.client.on_subscribe = lambda c, u, mid, granted, props=None: self.subacks.put(granted)
        if transport == "websockets":
            self.client.ws_set_options(path="/mqtt")
        self.client.connect("127.0.0.1", port, keepalive=30)
        self.client.loop_start()
        if not connected.wait(WAIT):
            self.close()
            raise TimeoutError("MQTT client %s (%s) did not connect" % (client_id, transport))

    def subscribe(self, topic_filter, qos=1):
        """The granted QoS (3.1.1) or reason codes (5.0) of the SUBACK."""
        self.client.subscribe(topic_filter, qos)
        return self.subacks.get(timeout=WAIT)

    def publish(self, topic, payload, qos=1, retain=False, properties=None):
        info = self.client.publish(topic, payload, qos=qos, retain=retain, properties=properties)
        info.wait_for_publish(WAIT)
        if not info.is_published():
            raise TimeoutError("no acknowledgement for the publish on %s" % topic)

    def next_message(self, timeout=WAIT):
        return self.messages.get(timeout=timeout)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


# --- STOMP -----------------------------------------------------------------------

class stomp_collector(stomp.ConnectionListener):
    """Every MESSAGE, ERROR and RECEIPT a python3-stomp connection gets, in order."""

    def __init__(self):
        self.messages = queue.Queue()
        self.errors = queue.Queue()
        self.receipts = queue.Queue()

    def on_message(self, frame):
        self.messages.put(frame)

    def on_error(self, frame):
        self.errors.put(frame)

    def on_receipt(self, frame):
        self.receipts.put(frame.headers["receipt-id"])

    def wait_receipt(self, receipt, timeout=WAIT):
        """True once RECEIPT `receipt` came (others before it are skipped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.receipts.get(timeout=0.2) == receipt:
                    return True
            except queue.Empty:
                pass
        return False


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


# STOMP 1.2 header escapes (section "Value Encoding"); the backslash goes first.
STOMP_ESCAPES = (("\\", "\\\\"), ("\r", "\\r"), ("\n", "\\n"), (":", "\\c"))
STOMP_UNESCAPES = {escaped: raw for raw, escaped in STOMP_ESCAPES}


def stomp_escape(text):
    for raw, escaped in STOMP_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def stomp_unescape(text):
    return re.sub(r"\\.", lambda m: STOMP_UNESCAPES.get(m.group(0), m.group(0)), text)


class stomp_over_websocket:
    """STOMP 1.2 frames over raw_websocket; frames may span messages. Headers
    are (name, value) pairs, so a repeated name keeps every value."""

    def __init__(self, port, path="/stomp"):
        self.ws = raw_websocket(port, "v12.stomp", path)
        self.buffer = b""

    def send_frame(self, command, headers, body=b"", split=False):
        items = headers.items() if isinstance(headers, dict) else headers
        escape = str if command == "CONNECT" else stomp_escape  # CONNECT headers are not escaped (STOMP 1.2)
        frame = command.encode() + b"\n"
        frame += b"".join(("%s:%s\n" % (escape(n), escape(v))).encode() for n, v in items)
        frame += b"\n" + body + b"\0"
        if split:  # one frame over two WebSocket messages
            self.ws.send(frame[:7])
            self.ws.send(frame[7:])
        else:
            self.ws.send(frame)

    def read_frame_with_header_list(self):
        """(command, [(name, value), ...], body); the body is content-length framed when it says so."""
        while True:
            self.buffer = self.buffer.lstrip(b"\r\n")  # heart-beats
            head_end = self.buffer.find(b"\n\n")
            if head_end >= 0:
                lines = self.buffer[:head_end].decode().split("\n")
                headers = [tuple(stomp_unescape(part) for part in line.split(":", 1)) for line in lines[1:]]
                length = next((int(v) for n, v in headers if n == "content-length"), None)
                body_end = self.buffer.find(b"\0", head_end + 2) if length is None else head_end + 2 + length
                if body_end >= 0 and len(self.buffer) > body_end:
                    body = self.buffer[head_end + 2:body_end]
                    self.buffer = self.buffer[body_end + 1:]
                    return lines[0], headers, body
            message = self.ws.receive()
            if message is None:
                raise EOFError("the broker closed the WebSocket")
            self.buffer += message

    def read_frame(self):
        """(command, headers as a dict (the first of a repeated name), body)."""
        command, header_list, body = self.read_frame_with_header_list()
        headers = {}
        for name, value in header_list:
            headers.setdefault(name, value)
        return command, headers, body

    def expect(self, command):
        got = self.read_frame()
        assert got[0] == command, got
        return got


# --- native (RocketMQ remoting) ------------------------------------------------------

SEND_MESSAGE_V2 = 310
PULL_MESSAGE = 11
SUCCESS = 0
NAME_VALUE_SEPARATOR = "\x01"
PROPERTY_SEPARATOR = "\x02"


def decode_records(data):
    """Concatenated commit-log records (specs/rocketmq-remoting.md §3.1), each
    as a dict: topic, queue_id, body and properties as (name, value) pairs."""
    records = []
    at = 0
    while at < len(data):
        total, magic = struct.unpack(">iI", data[at:at + 8])
        queue_id = struct.unpack(">i", data[at + 12:at + 16])[0]
        sys_flag = struct.unpack(">i", data[at + 36:at + 40])[0]
        born_host = 20 if sys_flag & 0x10 else 8
        store_host = 20 if sys_flag & 0x20 else 8
        cursor = at + 48 + born_host + 8 + store_host + 4 + 8
        body_length = struct.unpack(">i", data[cursor:cursor + 4])[0]
        body = data[cursor + 4:cursor + 4 + body_length]
        cursor += 4 + body_length
        topic_size = 2 if magic == 0xDAA320AB else 1
        topic_length = int.from_bytes(data[cursor:cursor + topic_size], "big")
        topic = data[cursor + topic_size:cursor + topic_size + topic_length].decode()
        cursor += topic_size + topic_length
        properties_length = struct.unpack(">H", data[cursor:cursor + 2])[0]
        text = data[cursor + 2:cursor + 2 + properties_length].decode("utf-8", "surrogateescape")
        properties = [tuple(p.split(NAME_VALUE_SEPARATOR, 1)) for p in text.split(PROPERTY_SEPARATOR) if p]
        records.append({"topic": topic, "queue_id": queue_id, "body": body, "properties": properties})
        at += total
    return records


class native_client:
    """Sends and pulls over the RocketMQ remoting protocol (JSON headers)."""

    def __init__(self, port):
        self.remoting = remoting_client(port)

    def send(self, topic, body, properties):
        """Sends `body` with `properties` ((name, value) pairs, in order) to queue 0."""
        text = "".join(n + NAME_VALUE_SEPARATOR + v + PROPERTY_SEPARATOR for n, v in properties)
        header, _ = self.remoting.request(SEND_MESSAGE_V2, {
            "a": "interop-producer", "b": topic, "c": "TBW102", "d": "4", "e": "0", "f": "0",
            "g": str(int(time.time() * 1000)), "h": "0", "i": text, "j": "0", "k": "false", "m": "false"}, body)
        if header["code"] != SUCCESS:
            raise RuntimeError("native send refused: %s" % header)

    def pull_first(self, topic, group, queues=range(16), timeout=WAIT):
        """The first record of `topic` found in any of `queues`, pulling from
        offset 0 until one appears."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for queue_id in queues:
                header, body = self.remoting.request(PULL_MESSAGE, {
                    "consumerGroup": group, "topic": topic, "queueId": str(queue_id), "queueOffset": "0",
                    "maxMsgNums": "1", "sysFlag": "4", "commitOffset": "0", "suspendTimeoutMillis": "0",
                    "subscription": "*", "subVersion": "0", "expressionType": "TAG"})
                if header["code"] == SUCCESS and body:
                    return decode_records(body)[0]
            time.sleep(0.05)
        raise TimeoutError("no record on topic %s within %ss" % (topic, timeout))

    def close(self):
        self.remoting.close()
