"""Client helpers the integration tests share: python3-paho-mqtt over TCP or
WebSocket, Debian's mosquitto_sub / mosquitto_pub, python3-stomp with its
frames collected, a small RFC 6455 client with STOMP 1.2 on top of it
(Debian's python3-stomp has no WebSocket transport), and the native protocol
on remoting_wire's client and the gantry tool. Every wait is bounded, and the
programs started here are stopped by PID."""

import base64
import hashlib
import json
import os
import queue
import re
import socket
import struct
import subprocess
import threading
import time
import zlib

import paho.mqtt.client as paho
import stomp
from proton import Collector, Connection, Delivery, Endpoint, Message, Transport
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

import gantryd_harness as harness
from remoting_wire import remoting_client

WAIT = 10.0  # seconds any single expectation may take
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def closed_within(sock, seconds):
    """True when the peer closes `sock` within `seconds` (what it sends
    before is read and dropped)."""
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            sock.settimeout(left)
            if not sock.recv(4096):
                return True
    except socket.timeout:
        return False
    except OSError:  # reset
        return True


# --- MQTT ------------------------------------------------------------------------

# Subscribe options (MQTT 5.0 §3.8.3.1) as paho.SubscribeOptions names them.
SUBSCRIBE_OPTIONS = {"no_local": "noLocal", "retain_as_published": "retainAsPublished",
                     "retain_handling": "retainHandling"}


class mqtt_refused(ConnectionError):
    """The broker refused a CONNECT: `code` is the CONNACK's return code
    (3.1.1) or reason code (5.0)."""

    def __init__(self, client_id, code):
        super().__init__("MQTT client %r refused: CONNACK code 0x%02x" % (client_id, code))
        self.code = code


class mqtt_client:
    """A python3-paho-mqtt client (3.1.1 or 5.0, over TCP or WebSocket) on its
    own network thread, collecting what it receives.

    clean=False keeps the session: clean session 0 (3.1.1) or clean start 0
    (5.0), where `session_expiry` is the Session Expiry Interval in seconds
    (None sends none: 0, the session ends with the connection).
    `connect_properties`: further 5.0 CONNECT properties as paho names them
    (RequestResponseInformation, RequestProblemInformation, ...).
    `session_present` is the CONNACK's flag. `username` and `password`, if given, go in the
    CONNECT; a refused connection raises mqtt_refused. `ca_file`: connect over
    TLS (mqtts, or wss with transport="websockets"), trusting that CA."""

    def __init__(self, port, client_id="", version=5, transport="tcp", clean=True, session_expiry=None,
                 username=None, password=None, connect_properties=None, ca_file=None):
        self.version = version
        if version == 5:
            self.client = paho.Client(client_id=client_id, protocol=paho.MQTTv5, transport=transport)
        else:
            self.client = paho.Client(client_id=client_id, protocol=paho.MQTTv311, transport=transport,
                                      clean_session=clean)
        if username is not None:
            self.client.username_pw_set(username, password)
        if transport == "websockets":
            self.client.ws_set_options(path="/mqtt")
        if ca_file is not None:
            self.client.tls_set(ca_certs=ca_file)
        self.messages = queue.Queue()
        self.subacks = queue.Queue()
        self.disconnects = queue.Queue()
        self.session_present = False
        self.connack_properties = None  # 5.0: paho's Properties of the CONNACK
        self.suback_properties = None  # 5.0: paho's Properties of the last SUBACK
        connacks = queue.Queue()

        def on_connect(client, userdata, flags, rc, properties=None):
            code = int(getattr(rc, "value", rc))  # 5.0: a ReasonCodes
            if code != 0:
                client.disconnect()  # else paho's network thread waits a second and connects again
            self.session_present = bool(flags["session present"])
            self.connack_properties = properties
            connacks.put(code)
        self.client.on_connect = on_connect
        self.client.on_message = lambda c, u, message: self.messages.put(message)
        self.client.on_subscribe = lambda c, u, mid, granted, properties=None: self.subacks.put((granted, properties))
        self.unsubacks = queue.Queue()
        self.client.on_unsubscribe = lambda c, u, mid, *rest: self.unsubacks.put(mid)
        self.client.on_disconnect = lambda c, u, rc, properties=None: self.disconnects.put(rc)
        # paho 1.6 reads a 5.0 PUBACK's reason code but does not pass it to
        # on_publish: taken here from the packet it is handling, by packet id.
        self.puback_reasons = {}
        handle_puback_or_pubcomp = self.client._handle_pubackcomp

        def record_puback_reason(cmd):
            body = self.client._in_packet["packet"]
            if cmd == "PUBACK" and len(body) >= 2:
                self.puback_reasons[struct.unpack("!H", body[:2])[0]] = body[2] if len(body) > 2 else 0
            return handle_puback_or_pubcomp(cmd)
        self.client._handle_pubackcomp = record_puback_reason

        options = {}
        if version == 5:
            options["clean_start"] = clean
            properties = dict(connect_properties or {})
            if session_expiry is not None:
                properties["SessionExpiryInterval"] = session_expiry
            if properties:
                options["properties"] = packet_properties(PacketTypes.CONNECT, **properties)
        self.client.connect("127.0.0.1", port, keepalive=30, **options)
        self.client.loop_start()
        try:
            code = connacks.get(timeout=WAIT)
        except queue.Empty:
            self.close()
            raise TimeoutError("MQTT client %r (%s) got no CONNACK within %ss" % (client_id, transport, WAIT))
        if code != 0:
            self.close()
            raise mqtt_refused(client_id, code)

    def subscribe(self, topic_filter, qos=1, properties=None, **options):
        """The SUBACK's granted list: QoS values (3.1.1) or reason codes
        (5.0), its properties in `suback_properties`. `options` are 5.0
        subscribe options: no_local, retain_as_published, retain_handling;
        `properties` 5.0 SUBSCRIBE properties (subscribe_properties)."""
        if options:
            if self.version != 5:
                raise ValueError("subscribe options are MQTT 5.0 only: %s" % options)
            named = {SUBSCRIBE_OPTIONS[name]: value for name, value in options.items()}
            self.client.subscribe(topic_filter, options=paho.SubscribeOptions(qos=qos, **named),
                                  properties=properties)
        else:
            self.client.subscribe(topic_filter, qos, properties=properties)
        granted, self.suback_properties = self.subacks.get(timeout=WAIT)
        return granted

    def unsubscribe(self, topic_filter):
        """Returns once the broker answered with UNSUBACK."""
        self.client.unsubscribe(topic_filter)
        return self.unsubacks.get(timeout=WAIT)

    def publish(self, topic, payload, qos=1, retain=False, properties=None):
        """Returns once the broker acknowledged it (QoS 1 and 2) or it was
        written (QoS 0); at QoS 1 the PUBACK's reason code (0 in 3.1.1),
        else None."""
        info = self.client.publish(topic, payload, qos=qos, retain=retain, properties=properties)
        info.wait_for_publish(WAIT)
        if not info.is_published():
            raise TimeoutError("no acknowledgement for the publish on %s within %ss" % (topic, WAIT))
        return self.puback_reasons.pop(info.mid, None)

    def next_message(self, timeout=WAIT):
        return self.messages.get(timeout=timeout)

    def no_message(self, within=1.0):
        """None if nothing arrives `within` seconds, else what came, as text."""
        try:
            message = self.messages.get(timeout=within)
        except queue.Empty:
            return None
        return "unexpected message on %s: %r" % (message.topic, message.payload)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def packet_properties(packet_type, **properties):
    result = Properties(packet_type)
    for name, value in properties.items():
        setattr(result, name, value)
    return result


def publish_properties(**properties):
    """MQTT 5.0 PUBLISH properties, named as paho names them: ContentType,
    CorrelationData, ResponseTopic, MessageExpiryInterval, UserProperty, ..."""
    return packet_properties(PacketTypes.PUBLISH, **properties)


def subscribe_properties(**properties):
    """MQTT 5.0 SUBSCRIBE properties: SubscriptionIdentifier, UserProperty."""
    return packet_properties(PacketTypes.SUBSCRIBE, **properties)


class mosquitto_sub:
    """Debian's mosquitto_sub in the background, subscribed to `topic` with
    `args` added, every line it prints (-d: its packets too) collected. It
    gives up by itself after 20 s (-W 20)."""

    def __init__(self, port, topic, *args):
        self.process = subprocess.Popen(
            ["stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", topic, "-d", "-W", "20",
             *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines = queue.Queue()
        self.seen = []  # the lines wait_for read, in order
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.decode(errors="replace").rstrip("\n"))

    def wait_for(self, text, timeout=WAIT):
        """True once a line containing `text` came (SUBACK: it subscribed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return True
        return False

    def kill(self):
        """SIGKILL: its connection ends without DISCONNECT."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=WAIT)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.kill()
        self.reader.join(timeout=2)
        self.process.stdout.close()


def mosquitto_pub(port, topic, message, *args):
    """Debian's mosquitto_pub with `args` added, run to its end: the finished
    process, its output captured."""
    return subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-t", topic, "-m", message, *args],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=WAIT)


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


def stomp_connection(port, version="1.2", client_id=None, **options):
    """A connected python3-stomp connection of STOMP `version` (with a
    client-id header if given); its `got` (a stomp_collector) collects what
    comes. `options` go to python3-stomp's connection."""
    protocol = {"1.0": stomp.Connection10, "1.1": stomp.Connection11, "1.2": stomp.Connection12}[version]
    conn = protocol([("127.0.0.1", port)], **options)
    conn.got = stomp_collector()
    conn.set_listener("collector", conn.got)
    conn.connect(wait=True, headers={"client-id": client_id} if client_id else {})
    return conn


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
        self.pongs = []
        self.close_code = None
        self.close_reason = ""
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

    def send(self, payload, opcode=0x2, fin=True, masked=True):
        n = len(payload)
        first = (0x80 if fin else 0) | opcode
        mask_bit = 0x80 if masked else 0
        if n < 126:
            header = struct.pack("!BB", first, mask_bit | n)
        elif n < 65536:
            header = struct.pack("!BBH", first, mask_bit | 126, n)
        else:
            header = struct.pack("!BBQ", first, mask_bit | 127, n)
        if not masked:
            self.sock.sendall(header + payload)
            return
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        """The next data message's payload; None once the server closed
        (close_code then holds its status, 1005 for none). Pings are
        answered; pongs are kept in pongs."""
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
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                self.close_reason = payload[2:].decode()
                return None
            if opcode == 0x9:
                self.send(payload, 0xA)
                continue
            if opcode == 0xA:
                self.pongs.append(payload)
                continue
            message += payload
            if first & 0x80:
                return message

    def closed_by_server(self):
        """Whether the server then closes the TCP connection (within the socket's timeout)."""
        try:
            return self.sock.recv(1) == b""
        except OSError:
            return False

    def close(self):
        try:
            self.send(struct.pack("!H", 1000), 0x8)
            while self.receive() is not None:
                pass
        except (OSError, EOFError):
            pass
        self.sock.close()


class amqp_over_websocket:
    """An AMQP 1.0 client over WebSocket (subprotocol "amqp"):
    python3-qpid-proton's protocol engine (Connection, Transport), whose bytes
    a raw_websocket carries, pumped by hand: what proton has to send goes out
    as one binary message, what arrives is pushed into it."""

    def __init__(self, port, path="/amqp", container="ws-amqp-client"):
        self.ws = raw_websocket(port, "amqp", path=path)
        if self.ws.status != 101:
            raise ConnectionError("the WebSocket upgrade for amqp got %d" % self.ws.status)
        self.transport = Transport()
        self.transport.sasl().allowed_mechs("ANONYMOUS")
        self.connection = Connection()
        self.connection.container = container
        self.connection.hostname = "127.0.0.1"
        self.connection.collect(Collector())
        self.transport.bind(self.connection)
        self.connection.open()
        self.session = self.connection.session()
        self.session.open()
        self.pump_until(lambda: self.connection.state & Endpoint.REMOTE_ACTIVE, "the connection to open")

    def _flush(self):
        while self.transport.pending() > 0:
            n = self.transport.pending()
            self.ws.send(self.transport.peek(n))
            self.transport.pop(n)

    def pump_until(self, condition, what, timeout=WAIT):
        deadline = time.monotonic() + timeout
        self._flush()
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("AMQP over WebSocket: no %s within %d s" % (what, timeout))
            data = self.ws.receive()  # within the socket's timeout
            if data is None:
                raise EOFError("the broker closed the WebSocket: %s" % self.connection.remote_condition)
            self.transport.push(data)
            self._flush()

    def send(self, address, message):
        """Sends `message` to `address` unsettled; returns the broker's outcome."""
        sender = self.session.sender("to-" + address)
        sender.target.address = address
        sender.open()
        self.pump_until(lambda: sender.credit > 0, "credit to send to " + address)
        delivery = sender.delivery("1")
        sender.send(message.encode())
        sender.advance()
        self.pump_until(lambda: delivery.remote_state != 0, "outcome from the broker")
        outcome = delivery.remote_state
        delivery.settle()
        return outcome

    def receive(self, address):
        """The next message from `address` (credit 1), accepted."""
        receiver = self.session.receiver("from-" + address)
        receiver.source.address = address
        receiver.open()
        receiver.flow(1)
        self.pump_until(lambda: receiver.current is not None and not receiver.current.partial,
                        "message from " + address)
        delivery = receiver.current
        message = Message()
        message.decode(receiver.recv(delivery.pending))
        receiver.advance()
        delivery.update(Delivery.ACCEPTED)
        delivery.settle()
        self._flush()
        return message

    def close(self):
        self.connection.close()
        try:
            self._flush()
        except OSError:
            pass
        self.ws.close()


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


def broker_runtime_info(port):
    """GET_BROKER_RUNTIME_INFO (28) of the broker on native `port`: its counters by name."""
    remoting = remoting_client(port)
    try:
        header, body = remoting.request(28, {})
    finally:
        remoting.close()
    assert header["code"] == 0, header
    return json.loads(body)["table"]


def send_message(remoting, topic, body, properties, queue_id=0, producer_group="test-producer", sys_flag=0):
    """SEND_MESSAGE_V2 of `body` with `properties` ((name, value) pairs, in
    order) to queue `queue_id` of `topic`: gantryd's (header, body)."""
    text = "".join(n + NAME_VALUE_SEPARATOR + v + PROPERTY_SEPARATOR for n, v in properties)
    return remoting.request(SEND_MESSAGE_V2, {
        "a": producer_group, "b": topic, "c": "TBW102", "d": "4", "e": str(queue_id), "f": str(sys_flag),
        "g": str(int(time.time() * 1000)), "h": "0", "i": text, "j": "0", "k": "false", "m": "false"}, body)


def pull_message(remoting, topic, queue_id, group, max_messages=32, sys_flag=4, suspend_ms=0):
    """PULL_MESSAGE from offset 0 of queue `queue_id` of `topic`: gantryd's
    (header, body), the body holding records for decode_records."""
    return remoting.request(PULL_MESSAGE, {
        "consumerGroup": group, "topic": topic, "queueId": str(queue_id), "queueOffset": "0",
        "maxMsgNums": str(max_messages), "sysFlag": str(sys_flag), "commitOffset": "0",
        "suspendTimeoutMillis": str(suspend_ms), "subscription": "*", "subVersion": "0", "expressionType": "TAG"})


def send_compressed(port, topic, body, tag):
    """`body` sent as RocketMQ clients send one past 4 KiB: zlib-compressed,
    sysFlag COMPRESSED. The offset message id gantryd answers with."""
    remoting = remoting_client(port)
    try:
        header, _ = send_message(remoting, topic, zlib.compress(body), [("TAGS", tag)], sys_flag=1)
    finally:
        remoting.close()
    assert header["code"] == SUCCESS, header
    return header["extFields"]["msgId"]


class native_client:
    """Sends and pulls over the RocketMQ remoting protocol (JSON headers)."""

    def __init__(self, port):
        self.remoting = remoting_client(port)

    def send(self, topic, body, properties):
        """Sends `body` with `properties` ((name, value) pairs, in order) to queue 0."""
        header, _ = send_message(self.remoting, topic, body, properties, producer_group="interop-producer")
        if header["code"] != SUCCESS:
            raise RuntimeError("native send refused: %s" % header)

    def pull_first(self, topic, group, queues=range(16), timeout=WAIT):
        """The first record of `topic` found in any of `queues`, pulling from
        offset 0 until one appears."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for queue_id in queues:
                header, body = pull_message(self.remoting, topic, queue_id, group, max_messages=1)
                if header["code"] == SUCCESS and body:
                    return decode_records(body)[0]
            time.sleep(0.05)
        raise TimeoutError("no record on topic %s within %ss" % (topic, timeout))

    def close(self):
        self.remoting.close()


def gantry_consume(port, topic, *options):
    """The gantry tool (beside gantryd) consuming the first message of `topic`
    from the beginning, giving up after 5 idle seconds: the finished process,
    its output captured as text."""
    return subprocess.run([harness.sibling_program("gantry"), "-n", "127.0.0.1:%d" % port, "consume", topic,
                           "--from", "first", "-c", "1", "--idle", "5", *options],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
