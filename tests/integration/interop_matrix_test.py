#!/usr/bin/python3
"""The interop matrix (issue #8): one message from every protocol to every
protocol, each field docs/protocol-mapping.md maps checked on arrival, and a
three-hop bridge MQTT 5 -> AMQP -> STOMP -> MQTT 5.

Usage: interop_matrix_test.py GANTRYD [unittest arguments]

One case per sending protocol, each against its own gantryd: a receiver of
every protocol subscribes (same-protocol pairs included), the sender
publishes one message with every field it can set, and each receiver checks
the body bytes and the fields both protocols carry. The table of pairs
(sender rows x receiver columns) is printed to stdout. "mqtt5-ws" and
"stomp-ws" are MQTT 5 and STOMP 1.2 over the WebSocket port.

Clients: Debian's unmodified python3-paho-mqtt (also over WebSocket),
python3-qpid-proton and python3-stomp (only under /usr/bin/python3), the
RFC 6455 client of protocol_clients for STOMP over WebSocket, and the raw
remoting client for the native protocol. Every wait is bounded, and only the
processes started here are stopped, by PID.
"""

import os
import queue
import time

from proton import Message, Timeout
from proton.utils import BlockingConnection

import gantryd_harness as harness
import protocol_clients as clients

WAIT = clients.WAIT
EXPIRY_TOLERANCE_MS = 5000  # send and receive times are taken on either side of the broker

# The one message every sender publishes, in each protocol's terms.
BODY = b"\x00\xffinterop \x01\x02 bytes \xfe\x00"
CONTENT_TYPE = "application/x-interop; v=1"
CORRELATION = "corr-42-\u00e9"
MESSAGE_ID = "interop-msg-1"
USER_PROPERTIES = [("unit", "celsius"), ("site", "Z\u00fcrich")]
TTL_MS = 3_600_000
PRIORITY = 7
DURABLE = False  # the engine's default is true, AMQP's false: false shows it travelled
DURABLE_TEXT = "true" if DURABLE else "false"

# The destination sensors/room1 as each protocol names it.
MQTT_TOPIC = "sensors/room1"
STOMP_DESTINATION = "/topic/sensors.room1"
AMQP_ADDRESS = "topic://sensors/room1"
NATIVE_TOPIC, NATIVE_TAG = "sensors", "room1"

# Fields a protocol carries both ways (docs/protocol-mapping.md, "Fields across
# protocols"); the destination is checked where a received message names it.
ALL_FIELDS = {"body", "destination", "content_type", "correlation", "reply_to", "message_id",
              "user_properties", "expiry", "priority", "durable"}
MQTT311_FIELDS = {"body", "destination"}
# MQTT 5 has no place for priority and persistence: they travel as the user properties below.
MQTT5_FIELDS = {"body", "destination", "content_type", "correlation", "reply_to", "user_properties", "expiry",
                "priority", "durable"}
MQTT5_PRIORITY, MQTT5_DURABLE = "gantry.priority", "gantry.durable"
AMQP_FIELDS = ALL_FIELDS - {"destination"}  # a receiver knows it from its link; `to` is only what a sender set

# Record properties of the native protocol (docs/message-model.md).
NATIVE_FIELD_PROPERTIES = {"content_type": "GANTRY_CONTENT_TYPE", "correlation": "CORRELATION_ID",
                           "reply_to": "GANTRY_REPLY_TO", "message_id": "UNIQ_KEY",
                           "expiry": "GANTRY_EXPIRES_AT", "priority": "GANTRY_PRIORITY",
                           "durable": "GANTRY_DURABLE"}
NATIVE_SYSTEM_PROPERTIES = {"TAGS", "KEYS", "WAIT", "CLUSTER", *NATIVE_FIELD_PROPERTIES.values()}

# Headers of a STOMP MESSAGE that describe the delivery: a bridge does not send them on.
STOMP_DELIVERY_HEADERS = {"destination", "message-id", "subscription", "ack", "content-length", "timestamp",
                          "redelivered", "JMSXDeliveryCount"}
# Headers that carry a field; every other header is an application property.
STOMP_FIELD_HEADERS = {"content-type", "correlation-id", "reply-to", "expires", "priority", "persistent", "type"}


def now_ms():
    return int(time.time() * 1000)


def text(value):
    """Correlation data / ids as text: MQTT and AMQP may hand over bytes."""
    return bytes(value).decode() if isinstance(value, (bytes, memoryview)) else value


def sent_message(reply_to, expiry_ms):
    """The fields of the message, as a sender that sets all of them sent it."""
    return {"body": BODY, "content_type": CONTENT_TYPE, "correlation": CORRELATION, "reply_to": reply_to,
            "message_id": MESSAGE_ID, "user_properties": USER_PROPERTIES, "expiry": expiry_ms, "priority": PRIORITY,
            "durable": DURABLE}


def stomp_fields(headers, body):
    """The fields of a STOMP MESSAGE; `headers` are (name, value) pairs in frame order."""
    first = {}
    for name, value in headers:
        first.setdefault(name, value)
    not_properties = STOMP_DELIVERY_HEADERS | STOMP_FIELD_HEADERS
    fields = {"body": body, "destination": first.get("destination"),
              "user_properties": [(n, v) for n, v in headers if n not in not_properties]}
    for field, header in (("content_type", "content-type"), ("correlation", "correlation-id"),
                          ("reply_to", "reply-to"), ("message_id", "message-id")):
        fields[field] = first.get(header)
    if "expires" in first:
        fields["expiry"] = int(first["expires"])
    if "priority" in first:
        fields["priority"] = int(first["priority"])
    if "persistent" in first:
        fields["durable"] = first["persistent"] == "true"
    return fields


def stomp_send_headers(reply_to, sent_at_ms):
    return [("content-type", CONTENT_TYPE), ("correlation-id", CORRELATION), ("reply-to", reply_to),
            ("message-id", MESSAGE_ID), ("expires", str(sent_at_ms + TTL_MS)), ("priority", str(PRIORITY)),
            ("persistent", DURABLE_TEXT), *USER_PROPERTIES]


# --- the protocols, each as a sender and as a receiver -----------------------------
#
# publish(case) sends the message and returns what was sent: {field: value},
# with "expiry" as an absolute time in ms. subscribe(case) attaches a receiver
# and returns a function that waits up to a timeout for the message and
# returns its fields in the same form.

class mqtt_endpoint:
    def __init__(self, name, version, transport):
        self.name, self.version, self.transport = name, version, transport
        self.fields = MQTT5_FIELDS if version == 5 else MQTT311_FIELDS
        self.destination = MQTT_TOPIC
        self.reply_to = "replies/room1"

    def connect(self, case, role):
        port = case.websocket_port if self.transport == "websockets" else case.mqtt_port
        client = clients.mqtt_client(port, "%s-%s" % (self.name, role), self.version, self.transport)
        case.close_at_end(client.close)
        return client

    def publish(self, case):
        client = self.connect(case, "pub")
        if self.version != 5:
            client.publish(MQTT_TOPIC, BODY, qos=1)
            return {"body": BODY}
        properties = clients.publish_properties(
            ContentType=CONTENT_TYPE, CorrelationData=CORRELATION.encode(), ResponseTopic=self.reply_to,
            MessageExpiryInterval=TTL_MS // 1000,
            UserProperty=USER_PROPERTIES + [(MQTT5_PRIORITY, str(PRIORITY)), (MQTT5_DURABLE, DURABLE_TEXT)])
        client.publish(MQTT_TOPIC, BODY, qos=1, properties=properties)
        return sent_message(self.reply_to, now_ms() + TTL_MS)  # all but the message id: not in self.fields

    def subscribe(self, case):
        client = self.connect(case, "sub")
        client.subscribe(MQTT_TOPIC, 1)

        def receive(timeout):
            message = client.next_message(timeout)
            fields = {"body": message.payload, "destination": message.topic}
            if self.version == 5:
                props = message.properties
                user_properties = list(getattr(props, "UserProperty", []))
                named = dict(reversed(user_properties))  # the first of a repeated name
                fields.update(content_type=getattr(props, "ContentType", None),
                              correlation=text(getattr(props, "CorrelationData", None)),
                              reply_to=getattr(props, "ResponseTopic", None), user_properties=user_properties,
                              priority=int(named[MQTT5_PRIORITY]) if MQTT5_PRIORITY in named else None,
                              durable=named.get(MQTT5_DURABLE) != "false")
                if hasattr(props, "MessageExpiryInterval"):
                    fields["expiry"] = now_ms() + props.MessageExpiryInterval * 1000
            return fields
        return receive


class amqp_endpoint:
    name = "amqp"
    fields = AMQP_FIELDS
    destination = None
    reply_to = "topic://replies/room1"

    def connect(self, case):
        conn = BlockingConnection("amqp://127.0.0.1:%d" % case.amqp_port, timeout=WAIT)
        case.close_at_end(conn.close)
        return conn

    def publish(self, case):
        sender = self.connect(case).create_sender(AMQP_ADDRESS)
        sender.send(Message(body=BODY, inferred=True, content_type=CONTENT_TYPE, correlation_id=CORRELATION,
                            reply_to=self.reply_to, id=MESSAGE_ID, properties=dict(USER_PROPERTIES),
                            ttl=TTL_MS / 1000, priority=PRIORITY, durable=DURABLE), timeout=WAIT)
        return sent_message(self.reply_to, now_ms() + TTL_MS)

    def subscribe(self, case):
        receiver = self.connect(case).create_receiver(AMQP_ADDRESS, credit=10)

        def receive(timeout):
            try:
                m = receiver.receive(timeout=timeout)
            except Timeout:
                raise TimeoutError("no AMQP message within %ss" % timeout)
            receiver.accept()
            expiry = m.expiry_time * 1000 if m.expiry_time else now_ms() + m.ttl * 1000 if m.ttl else None
            return {"body": bytes(m.body), "content_type": m.content_type, "correlation": text(m.correlation_id),
                    "reply_to": m.reply_to, "message_id": text(m.id),
                    "user_properties": list((m.properties or {}).items()), "expiry": expiry,
                    "priority": m.priority, "durable": m.durable}
        return receive


class stomp_endpoint:
    name = "stomp"
    fields = ALL_FIELDS
    destination = STOMP_DESTINATION
    reply_to = "/topic/replies.room1"

    def connect(self, case):
        conn = clients.stomp_connection(case.stomp_port, auto_decode=False)
        case.close_at_end(conn.disconnect)
        return conn

    def publish(self, case):
        conn = self.connect(case)
        sent_at = now_ms()
        headers = dict(stomp_send_headers(self.reply_to, sent_at), receipt="sent")
        conn.send(STOMP_DESTINATION, BODY, headers=headers)
        case.assertTrue(conn.got.wait_receipt("sent"), "no RECEIPT for the STOMP SEND")
        # python3-stomp writes headers sorted by name: that is the order sent.
        return dict(sent_message(self.reply_to, sent_at + TTL_MS), user_properties=sorted(USER_PROPERTIES))

    def subscribe(self, case):
        conn = self.connect(case)
        conn.subscribe(STOMP_DESTINATION, "1", headers={"receipt": "subscribed"})
        case.assertTrue(conn.got.wait_receipt("subscribed"), "no RECEIPT for the STOMP SUBSCRIBE")

        def receive(timeout):
            frame = conn.got.messages.get(timeout=timeout)
            return stomp_fields(list(frame.headers.items()), frame.body)
        return receive


class stomp_websocket_endpoint(stomp_endpoint):
    name = "stomp-ws"

    def connect(self, case):
        conn = clients.stomp_over_websocket(case.websocket_port)
        case.close_at_end(conn.ws.close)
        conn.send_frame("CONNECT", {"accept-version": "1.2", "host": "127.0.0.1"})
        conn.expect("CONNECTED")
        return conn

    def publish(self, case):
        conn = self.connect(case)
        sent_at = now_ms()
        conn.send_frame("SEND", [("destination", STOMP_DESTINATION), ("content-length", str(len(BODY))),
                                 ("receipt", "sent"), *stomp_send_headers(self.reply_to, sent_at)], BODY)
        case.assertEqual(conn.expect("RECEIPT")[1]["receipt-id"], "sent")
        return sent_message(self.reply_to, sent_at + TTL_MS)

    def subscribe(self, case):
        conn = self.connect(case)
        conn.send_frame("SUBSCRIBE", {"destination": STOMP_DESTINATION, "id": "1", "receipt": "subscribed"})
        conn.expect("RECEIPT")

        def receive(timeout):
            conn.ws.sock.settimeout(timeout)
            command, headers, body = conn.read_frame_with_header_list()
            case.assertEqual(command, "MESSAGE")
            return stomp_fields(headers, body)
        return receive


class native_endpoint:
    name = "native"
    fields = ALL_FIELDS
    destination = MQTT_TOPIC  # topic "sensors" with tag "room1"
    reply_to = "replies/room1"

    def connect(self, case):
        client = clients.native_client(case.port)
        case.close_at_end(client.close)
        return client

    def publish(self, case):
        sent_at = now_ms()
        properties = [("TAGS", NATIVE_TAG), ("UNIQ_KEY", MESSAGE_ID), ("WAIT", "true"),
                      ("GANTRY_CONTENT_TYPE", CONTENT_TYPE), ("CORRELATION_ID", CORRELATION),
                      ("GANTRY_REPLY_TO", self.reply_to), ("GANTRY_EXPIRES_AT", str(sent_at + TTL_MS)),
                      ("GANTRY_PRIORITY", str(PRIORITY)), ("GANTRY_DURABLE", DURABLE_TEXT), *USER_PROPERTIES]
        self.connect(case).send(NATIVE_TOPIC, BODY, properties)
        return sent_message(self.reply_to, sent_at + TTL_MS)

    def subscribe(self, case):
        client = self.connect(case)

        def receive(timeout):
            record = client.pull_first(NATIVE_TOPIC, "interop-native", timeout=timeout)
            properties = dict(record["properties"])
            fields = {"body": record["body"], "destination": "%s/%s" % (record["topic"], properties.get("TAGS")),
                      "user_properties": [p for p in record["properties"] if p[0] not in NATIVE_SYSTEM_PROPERTIES],
                      "durable": properties.get("GANTRY_DURABLE") != "false"}
            for field in ("content_type", "correlation", "reply_to", "message_id"):
                fields[field] = properties.get(NATIVE_FIELD_PROPERTIES[field])
            for field in ("expiry", "priority"):
                value = properties.get(NATIVE_FIELD_PROPERTIES[field])
                fields[field] = int(value) if value is not None else None
            return fields
        return receive


ENDPOINTS = [native_endpoint(), mqtt_endpoint("mqtt3.1.1", 3, "tcp"), mqtt_endpoint("mqtt5", 5, "tcp"),
             amqp_endpoint(), stomp_endpoint(), mqtt_endpoint("mqtt5-ws", 5, "websockets"),
             stomp_websocket_endpoint()]
BY_NAME = {e.name: e for e in ENDPOINTS}
RESULTS = {}  # sender name -> {receiver name: "pass" / "FAIL"}


def field_mismatches(sent, got, fields, receiver):
    """What differs between the sent and the received message, field by field."""
    problems = []
    for field in sorted(fields):
        expected = receiver.destination if field == "destination" else sent[field]
        actual = got.get(field)
        if field == "user_properties":
            # Other protocols' namespaced properties may travel beside the application's.
            names = {name for name, _ in expected}
            actual = [(n, v) for n, v in actual if n in names]
        if field == "expiry":
            ok = actual is not None and abs(actual - expected) <= EXPIRY_TOLERANCE_MS
        else:
            ok = actual == expected
        if not ok:
            problems.append("%s: sent %r, got %r" % (field, expected, actual))
    return problems


def print_table():
    names = [e.name for e in ENDPOINTS]
    width = max(len(n) for n in names) + 2
    lines = ["", "interop matrix: sender (rows) -> receiver (columns)",
             "".ljust(width) + "".join(n.ljust(width) for n in names)]
    for sender in names:
        row = RESULTS.get(sender, {})
        lines.append(sender.ljust(width) + "".join(row.get(r, "-").ljust(width) for r in names))
    print("\n".join(lines), flush=True)


def tearDownModule():
    print_table()


class interop_matrix_test(harness.gantryd_test_case):
    def setUp(self):
        super().setUp()
        self.broker = self.start_serving("--storePathRootDir", os.path.join(self.workdir, "data"))

    def check_sender(self, name):
        """Publishes from `name` to a receiver of every protocol and records each pair."""
        sender = BY_NAME[name]
        receivers = [(r, r.subscribe(self)) for r in ENDPOINTS]
        sent = sender.publish(self)
        deadline = time.monotonic() + WAIT  # for all receivers together: the case stays within its time
        row = RESULTS.setdefault(name, {})
        failures = []
        for receiver, receive in receivers:
            try:
                got = receive(max(0.1, deadline - time.monotonic()))
                problems = field_mismatches(sent, got, sender.fields & receiver.fields, receiver)
            except (queue.Empty, TimeoutError):
                problems = ["no message within %ss of the publish" % WAIT]
            row[receiver.name] = "FAIL" if problems else "pass"
            failures += ["%s -> %s: %s" % (name, receiver.name, p) for p in problems]
        self.assertEqual(failures, [], "\n" + "\n".join(failures))

    def test_from_native(self):
        self.check_sender("native")

    def test_from_mqtt311(self):
        self.check_sender("mqtt3.1.1")

    def test_from_mqtt5(self):
        self.check_sender("mqtt5")

    def test_from_amqp(self):
        self.check_sender("amqp")

    def test_from_stomp(self):
        self.check_sender("stomp")

    def test_from_mqtt5_over_websocket(self):
        self.check_sender("mqtt5-ws")

    def test_from_stomp_over_websocket(self):
        self.check_sender("stomp-ws")

    def test_three_hops_mqtt5_amqp_stomp_mqtt5(self):
        """Bridging applications copy what their protocol gives them; the last
        MQTT 5 subscriber gets the first publisher's properties byte-exact."""
        # In name order: python3-stomp, the STOMP bridge, writes headers sorted by name. Priority and
        # persistence become AMQP header fields and STOMP headers on the way, and come back last.
        user_properties = [("mqtt.trace", "hop-0"), ("site", "Z\u00fcrich"), ("unit", "celsius"),
                           (MQTT5_PRIORITY, str(PRIORITY)), (MQTT5_DURABLE, DURABLE_TEXT)]
        correlation = b"\x00corr\xff"
        mqtt = BY_NAME["mqtt5"]
        amqp_conn = BY_NAME["amqp"].connect(self)
        amqp_in = amqp_conn.create_receiver("topic://hop1/in", credit=10)
        stomp_conn = BY_NAME["stomp"].connect(self)
        stomp_conn.subscribe("/topic/hop2.in", "1", headers={"receipt": "subscribed"})
        self.assertTrue(stomp_conn.got.wait_receipt("subscribed"))
        last = mqtt.connect(self, "last")
        last.subscribe("hop3/out", 1)

        properties = clients.publish_properties(ContentType=CONTENT_TYPE, CorrelationData=correlation,
                                                ResponseTopic="replies/room1", UserProperty=user_properties)
        mqtt.connect(self, "first").publish("hop1/in", BODY, qos=1, properties=properties)

        got = amqp_in.receive(timeout=WAIT)
        amqp_in.accept()
        amqp_conn.create_sender("topic://hop2/in").send(
            Message(body=bytes(got.body), inferred=True, content_type=got.content_type,
                    correlation_id=got.correlation_id, reply_to=got.reply_to, id=got.id,
                    properties=got.properties, ttl=got.ttl, priority=got.priority, durable=got.durable),
            timeout=WAIT)

        frame = stomp_conn.got.messages.get(timeout=WAIT)
        copied = {n: v for n, v in frame.headers.items() if n not in STOMP_DELIVERY_HEADERS}
        stomp_conn.send("/topic/hop3.out", frame.body, headers=dict(copied, receipt="bridged"))
        self.assertTrue(stomp_conn.got.wait_receipt("bridged"), "no RECEIPT for the bridged SEND")

        final = last.next_message()
        props = final.properties
        self.assertEqual(final.payload, BODY)
        self.assertEqual(getattr(props, "UserProperty", None), user_properties)
        self.assertEqual(getattr(props, "ContentType", None), CONTENT_TYPE)
        self.assertEqual(getattr(props, "CorrelationData", None), correlation)
        self.assertEqual(getattr(props, "ResponseTopic", None), "replies/room1")


if __name__ == "__main__":
    harness.main(__doc__)
