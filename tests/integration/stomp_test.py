#!/usr/bin/python3
"""STOMP 1.0 / 1.1 / 1.2 with JMS semantics against the real gantryd binary.

Usage: stomp_test.py GANTRYD [unittest arguments]

Clients: Debian's unmodified python3-stomp (only under /usr/bin/python3),
plus a raw socket client for what a library will not send (heart-beat
silence, malformed frames), python3-paho-mqtt, python3-qpid-proton and the
gantry tool for the cross-protocol cases. Every wait is bounded, and only the processes
started here are stopped, by PID.
"""

import os
import queue
import socket
import time

from proton.utils import BlockingConnection

import gantryd_harness as harness
import protocol_clients as clients

WAIT = clients.WAIT


class stomp_test(harness.gantryd_test_case):
    def start_broker(self, *args, stomp_port=None):
        self.broker = self.start_serving("--storePathRootDir", os.path.join(self.workdir, "data"), *args,
                                         stomp_port=stomp_port)
        return self.broker

    def restart_broker(self, *args):
        self.broker.stop()
        return self.start_broker(*args, stomp_port=self.stomp_port)

    def connect(self, version="1.2", client_id=None, **kwargs):
        conn = clients.stomp_connection(self.stomp_port, version, client_id, **kwargs)
        self.close_at_end(conn.disconnect)
        return conn

    def next_message(self, conn, timeout=WAIT):
        try:
            return conn.got.messages.get(timeout=timeout)
        except queue.Empty:
            self.fail("no MESSAGE within %ss" % timeout)

    def no_message(self, conn, within=0.7):
        try:
            frame = conn.got.messages.get(timeout=within)
        except queue.Empty:
            return
        self.fail("unexpected MESSAGE %r %r" % (frame.headers, frame.body))

    def wait_receipt(self, conn, receipt):
        self.assertTrue(conn.got.wait_receipt(receipt, WAIT), "no RECEIPT %s" % receipt)

    def subscribe(self, conn, destination, sub_id, receipt=None, ack="auto", **headers):
        receipt = receipt or "sub-%s" % sub_id
        conn.subscribe(destination, sub_id, ack=ack, headers=dict(headers, receipt=receipt))
        self.wait_receipt(conn, receipt)

    def send(self, conn, destination, body, **headers):
        receipt = "send-%d" % time.monotonic_ns()
        conn.send(destination, body, headers=dict(headers, receipt=receipt))
        self.wait_receipt(conn, receipt)

    def disconnect(self, conn):
        """DISCONNECT, returning once its RECEIPT says the broker is done."""
        receipt = "bye-%d" % time.monotonic_ns()
        conn.disconnect(receipt=receipt)
        self.wait_receipt(conn, receipt)

    def raw(self):
        s = socket.create_connection(("127.0.0.1", self.stomp_port), timeout=WAIT)
        self.close_at_end(s.close)
        return s

    def read_frame(self, s):
        data = b""
        while b"\0" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data

    # --- destinations -------------------------------------------------------

    def test_queue_consumers_compete_and_each_message_is_delivered_once(self):
        self.start_broker()
        a = self.connect()
        b = self.connect()
        # A prefetch of 5 unacknowledged messages each: 10 messages must be split 5 / 5.
        self.subscribe(a, "/queue/work", "a", ack="client-individual", **{"activemq.prefetchSize": "5"})
        self.subscribe(b, "/queue/work", "b", ack="client-individual", **{"activemq.prefetchSize": "5"})
        producer = self.connect()
        for i in range(10):
            self.send(producer, "/queue/work", "job-%d" % i)
        got_a = [self.next_message(a) for _ in range(5)]
        got_b = [self.next_message(b) for _ in range(5)]
        self.no_message(a, within=0.3)
        self.no_message(b, within=0.3)
        bodies = [f.body for f in got_a + got_b]
        self.assertEqual(sorted(bodies), sorted("job-%d" % i for i in range(10)))
        # Once acknowledged, the next ones flow, each to one consumer only.
        for conn, frames in ((a, got_a), (b, got_b)):
            for f in frames:
                conn.ack(f.headers["ack"])
        for i in range(10, 16):
            self.send(producer, "/queue/work", "job-%d" % i)
        later = []
        deadline = time.monotonic() + WAIT
        while len(later) < 6 and time.monotonic() < deadline:
            for conn in (a, b):
                try:
                    later.append(conn.got.messages.get(timeout=0.05).body)
                except queue.Empty:
                    pass
        self.assertEqual(sorted(later), sorted("job-%d" % i for i in range(10, 16)))
        self.no_message(a, within=0.3)
        self.no_message(b, within=0.3)

    def test_queue_keeps_messages_sent_before_any_consumer(self):
        self.start_broker()
        producer = self.connect()
        self.send(producer, "/queue/early", "first")
        consumer = self.connect()
        self.subscribe(consumer, "/queue/early", "1")
        self.assertEqual(self.next_message(consumer).body, "first")

    def test_topic_fans_out_to_every_subscriber(self):
        self.start_broker()
        subs = [self.connect() for _ in range(3)]
        for i, conn in enumerate(subs):
            self.subscribe(conn, "/topic/news", "s%d" % i)
        producer = self.connect()
        self.send(producer, "/topic/news", "extra", type="bulletin", priority="7", **{"correlation-id": "c-1",
                                                                                      "x-region": "eu"})
        for conn in subs:
            frame = self.next_message(conn)
            self.assertEqual(frame.body, "extra")
            self.assertEqual(frame.headers["destination"], "/topic/news")
            self.assertEqual(frame.headers["type"], "bulletin")
            self.assertEqual(frame.headers["priority"], "7")
            self.assertEqual(frame.headers["correlation-id"], "c-1")
            self.assertEqual(frame.headers["x-region"], "eu")

    def test_durable_subscriber_gets_what_was_sent_while_offline_also_after_a_restart(self):
        self.start_broker()
        sub = self.connect(client_id="reader")
        self.subscribe(sub, "/topic/orders", "d", **{"activemq.subscriptionName": "audit"})
        self.disconnect(sub)
        producer = self.connect()
        for body in ("one", "two", "three"):
            self.send(producer, "/topic/orders", body)
        sub = self.connect(client_id="reader")
        self.subscribe(sub, "/topic/orders", "d", ack="client", **{"activemq.subscriptionName": "audit"})
        frames = [self.next_message(sub) for _ in range(3)]
        self.assertEqual([f.body for f in frames], ["one", "two", "three"])
        sub.ack(frames[-1].headers["ack"])  # cumulative: all three
        self.disconnect(sub)

        producer.disconnect()
        self.send(self.connect(), "/topic/orders", "while-down-soon")
        self.restart_broker()
        sub = self.connect(client_id="reader")
        self.subscribe(sub, "/topic/orders", "d", **{"activemq.subscriptionName": "audit"})
        self.assertEqual(self.next_message(sub).body, "while-down-soon")
        self.no_message(sub)

        # UNSUBSCRIBE naming the subscription forgets it, with what it had
        # collected and not yet received.
        self.disconnect(sub)
        self.send(self.connect(), "/topic/orders", "collected-then-forgotten")
        sub = self.connect(client_id="reader")
        sub.unsubscribe("d", headers={"activemq.subscriptionName": "audit", "receipt": "gone"})
        self.wait_receipt(sub, "gone")
        self.subscribe(sub, "/topic/orders", "d2", **{"activemq.subscriptionName": "audit"})
        self.no_message(sub)

    def test_durable_subscription_needs_a_client_id(self):
        self.start_broker()
        conn = self.connect()
        conn.subscribe("/topic/x", "1", headers={"activemq.subscriptionName": "s"})
        error = conn.got.errors.get(timeout=WAIT)
        self.assertIn("client-id", error.headers["message"] + error.body)

    def test_temp_queue_request_reply(self):
        self.start_broker()
        service = self.connect()
        self.subscribe(service, "/queue/rpc", "svc")
        requester = self.connect()
        self.subscribe(requester, "/temp-queue/answers", "replies")
        self.send(requester, "/queue/rpc", "2+2", **{"reply-to": "/temp-queue/answers", "correlation-id": "q1"})
        request = self.next_message(service)
        reply_to = request.headers["reply-to"]
        self.assertRegex(reply_to, r"^/queue/temp-")
        self.send(service, reply_to, "4", **{"correlation-id": request.headers["correlation-id"]})
        reply = self.next_message(requester)
        self.assertEqual((reply.body, reply.headers["correlation-id"]), ("4", "q1"))
        self.assertEqual(reply.headers["destination"], "/temp-queue/answers")

    # --- selectors, acknowledgement, redelivery --------------------------------

    def test_selector_picks_messages_and_a_bad_one_gets_an_error_with_its_position(self):
        self.start_broker()
        conn = self.connect()
        self.subscribe(conn, "/queue/paint", "red", selector="color = 'red' AND JMSPriority > 3")
        producer = self.connect()
        self.send(producer, "/queue/paint", "blue-msg", color="blue", priority="9")
        self.send(producer, "/queue/paint", "red-low", color="red", priority="1")
        self.send(producer, "/queue/paint", "red-high", color="red", priority="8")
        self.assertEqual(self.next_message(conn).body, "red-high")
        self.no_message(conn)

        bad = self.connect()
        bad.subscribe("/queue/paint", "x", headers={"selector": "color = = 'red'"})
        error = bad.got.errors.get(timeout=WAIT)
        self.assertEqual(error.headers["message"], "invalid selector")
        self.assertRegex(error.body, r"(position|column|offset) \d+")

    def test_client_ack_is_cumulative_and_client_individual_is_not(self):
        self.start_broker()
        producer = self.connect()
        for i in range(3):
            self.send(producer, "/queue/cum", "c%d" % i)
            self.send(producer, "/queue/ind", "i%d" % i)

        cum = self.connect()
        self.subscribe(cum, "/queue/cum", "c", ack="client")
        frames = [self.next_message(cum) for _ in range(3)]
        cum.ack(frames[1].headers["ack"])  # acknowledges c0 and c1
        ind = self.connect()
        self.subscribe(ind, "/queue/ind", "i", ack="client-individual")
        frames_i = [self.next_message(ind) for _ in range(3)]
        ind.ack(frames_i[1].headers["ack"])  # acknowledges i1 only
        self.disconnect(cum)
        self.disconnect(ind)

        again = self.connect()
        self.subscribe(again, "/queue/cum", "c")
        self.subscribe(again, "/queue/ind", "i")
        bodies = sorted(self.next_message(again).body for _ in range(3))
        self.assertEqual(bodies, ["c2", "i0", "i2"])
        self.no_message(again)

    def test_prefetch_stops_deliveries_until_acknowledged(self):
        self.start_broker()
        producer = self.connect()
        for i in range(5):
            self.send(producer, "/queue/slow", "m%d" % i)
        conn = self.connect()
        self.subscribe(conn, "/queue/slow", "s", ack="client-individual", **{"activemq.prefetchSize": "2"})
        first = [self.next_message(conn) for _ in range(2)]
        self.no_message(conn)
        conn.ack(first[0].headers["ack"])
        self.assertEqual(self.next_message(conn).body, "m2")
        self.no_message(conn)

    def test_waiting_messages_are_delivered_higher_priority_first(self):
        self.start_broker()
        producer = self.connect()
        for i, priority in enumerate([3, 9, None, 0, 9, 7]):
            headers = {} if priority is None else {"priority": str(priority)}
            self.send(producer, "/queue/prio", "m%d" % i, **headers)
        conn = self.connect()
        self.subscribe(conn, "/queue/prio", "p", ack="client-individual")
        got = [self.next_message(conn) for _ in range(6)]
        # No priority header is JMS's default, 4; equal priorities keep the order sent.
        self.assertEqual([f.body for f in got], ["m1", "m4", "m5", "m2", "m0", "m3"])
        self.assertEqual([f.headers.get("priority") for f in got], ["9", "9", "7", None, "3", "0"])

    def test_nack_redelivers_with_a_count_then_dead_letters(self):
        self.start_broker("--maxReconsumeTimes", "2", "--messageDelayLevel", "1s 1s 1s 1s 1s 1s")
        conn = self.connect()
        self.subscribe(conn, "/queue/poison", "p", ack="client-individual")
        self.send(self.connect(), "/queue/poison", "bad")
        first = self.next_message(conn)
        self.assertNotIn("redelivered", first.headers)
        conn.nack(first.headers["ack"])
        second = self.next_message(conn)
        self.assertEqual((second.body, second.headers["redelivered"], second.headers["JMSXDeliveryCount"]),
                         ("bad", "true", "2"))
        conn.nack(second.headers["ack"])
        self.no_message(conn, within=3)
        # The dead-letter topic of the queue's group holds it, for the native side to see.
        out = clients.gantry_consume(self.port, "%DLQ%GANTRY_QUEUE-poison")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(": bad", out.stdout)

    # --- transactions -----------------------------------------------------------

    def test_transaction_commit_makes_sends_visible_and_abort_drops_them(self):
        self.start_broker()
        watcher = self.connect()
        self.subscribe(watcher, "/queue/tx", "w")
        sender = self.connect()
        tx = sender.begin()
        sender.send("/queue/tx", "in-tx-1", transaction=tx)
        sender.send("/queue/tx", "in-tx-2", transaction=tx)
        self.no_message(watcher)
        sender.commit(tx, headers={"receipt": "committed"})
        self.wait_receipt(sender, "committed")
        self.assertEqual([self.next_message(watcher).body for _ in range(2)], ["in-tx-1", "in-tx-2"])

        tx = sender.begin()
        sender.send("/queue/tx", "aborted", transaction=tx)
        sender.abort(tx, headers={"receipt": "aborted"})
        self.wait_receipt(sender, "aborted")
        self.no_message(watcher)

    def test_abort_redelivers_messages_acknowledged_in_the_transaction(self):
        self.start_broker()
        self.send(self.connect(), "/queue/txack", "work")
        conn = self.connect()
        self.subscribe(conn, "/queue/txack", "1", ack="client-individual")
        frame = self.next_message(conn)
        tx = conn.begin()
        conn.ack(frame.headers["ack"], transaction=tx)
        conn.abort(tx)
        again = self.next_message(conn)
        self.assertEqual(again.body, "work")
        tx = conn.begin()
        conn.ack(again.headers["ack"], transaction=tx)
        conn.commit(tx, headers={"receipt": "done"})
        self.wait_receipt(conn, "done")
        self.no_message(conn)

    # --- connection rules and bad input -------------------------------------------

    def test_versions_are_negotiated(self):
        self.start_broker()
        for version in ("1.0", "1.1", "1.2"):
            conn = self.connect(version)
            self.subscribe(conn, "/topic/v" + version.replace(".", ""), "s")
            self.send(conn, "/topic/v" + version.replace(".", ""), "line1\nline2:x")
            frame = self.next_message(conn)
            self.assertEqual(frame.body, "line1\nline2:x")
        s = self.raw()
        s.sendall(b"CONNECT\naccept-version:2.0\nhost:x\n\n\0")
        reply = self.read_frame(s)
        self.assertTrue(reply.startswith(b"ERROR\n"), reply)
        self.assertIn(b"version:1.0,1.1,1.2", reply)

    def test_heartbeat_silence_closes_the_client_and_the_broker_sends_its_own(self):
        self.start_broker("--stomp.heartbeatReceive", "200", "--stomp.heartbeatSend", "100")
        s = self.raw()
        s.sendall(b"CONNECT\naccept-version:1.2\nhost:x\nheart-beat:100,100\n\n\0")
        connected = self.read_frame(s)
        self.assertIn(b"heart-beat:100,200", connected)
        # Nothing more from this client: it promised one every 200 ms.
        start = time.monotonic()
        received = b""
        s.settimeout(5)
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                received += chunk
        except OSError:
            pass
        self.assertLess(time.monotonic() - start, 4, "a silent client was not closed")
        self.assertIn(b"\n", received, "no heart-beat from the broker")

    def test_malformed_frames_get_an_error_and_close_only_that_connection(self):
        self.start_broker()
        healthy = self.connect()
        self.subscribe(healthy, "/topic/still", "1")
        for garbage in (b"HELLO\n\n\0", b"CONNECT\naccept-version:1.2\n\n\0SEND\ndestination\n\nx\0",
                        b"CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/queue/a\ncontent-length:zz\n\nx\0",
                        b"CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/nowhere/a\n\nx\0",
                        b"CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/queue/a\nbad:esc\\t\n\nx\0"):
            s = self.raw()
            s.sendall(garbage)
            reply = b""
            s.settimeout(WAIT)
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
            self.assertIn(b"ERROR\n", reply, garbage)
            self.assertRegex(reply, rb"message:[^\n]+", garbage)
        self.send(healthy, "/topic/still", "alive")
        self.assertEqual(self.next_message(healthy).body, "alive")

    def test_oversized_frame_is_refused(self):
        self.start_broker("--stomp.maxFrameSize", "4096")
        s = self.raw()
        s.sendall(b"CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/queue/big\n\n" + b"x" * 8000 + b"\0")
        reply = self.read_frame(s)
        reply += self.read_frame(s)
        self.assertIn(b"ERROR\n", reply)

    # --- across protocols ----------------------------------------------------------

    def test_stomp_message_reaches_mqtt_amqp_and_native_consumers_intact(self):
        self.start_broker()
        amqp = BlockingConnection("amqp://127.0.0.1:%d" % self.amqp_port, timeout=WAIT)
        self.close_at_end(amqp.close)
        amqp_receiver = amqp.create_receiver("topic://sensors/room1", credit=10)
        mqtt = clients.mqtt_client(self.mqtt_port, "cross")
        self.close_at_end(mqtt.close)
        mqtt.subscribe("sensors/room1", 1)
        self.send(self.connect(), "/topic/sensors.room1", '{"t": 21.5}',
                  **{"content-type": "application/json", "correlation-id": "corr-9", "reply-to": "/topic/answers",
                     "unit": "celsius"})
        msg = mqtt.next_message()
        self.assertEqual((msg.topic, msg.payload), ("sensors/room1", b'{"t": 21.5}'))
        props = msg.properties
        self.assertEqual(props.ContentType, "application/json")
        self.assertEqual(props.CorrelationData, b"corr-9")
        self.assertEqual(props.ResponseTopic, "/topic/answers")
        self.assertIn(("unit", "celsius"), props.UserProperty)

        amqp_msg = amqp_receiver.receive(timeout=WAIT)
        amqp_receiver.accept()
        self.assertEqual(bytes(amqp_msg.body), b'{"t": 21.5}')
        self.assertEqual((amqp_msg.content_type, amqp_msg.correlation_id, amqp_msg.reply_to),
                         ("application/json", "corr-9", "/topic/answers"))
        self.assertEqual(amqp_msg.properties["unit"], "celsius")
        amqp.close()

        out = clients.gantry_consume(self.port, "sensors", "--properties")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn('{"t": 21.5}', out.stdout)
        self.assertIn("unit = celsius", out.stdout)
        self.assertRegex(out.stdout, r"tag 'room1'|tags? room1|room1")

    def test_mqtt_message_reaches_a_stomp_subscriber_with_its_properties(self):
        self.start_broker()
        conn = self.connect()
        self.subscribe(conn, "/topic/plant.line2", "1")
        mqtt = clients.mqtt_client(self.mqtt_port, "pub")
        self.close_at_end(mqtt.close)
        props = clients.publish_properties(ContentType="text/plain", UserProperty=[("shift", "night")])
        mqtt.publish("plant/line2", b"running", qos=1, properties=props)
        frame = self.next_message(conn)
        self.assertEqual(frame.body, "running")
        self.assertEqual(frame.headers["content-type"], "text/plain")
        self.assertEqual(frame.headers["shift"], "night")
        self.assertEqual(frame.headers["destination"], "/topic/plant.line2")


if __name__ == "__main__":
    harness.main(__doc__)
