#!/usr/bin/python3
"""AMQP 1.0 with JMS semantics against the real gantryd binary.

Usage: amqp_test.py GANTRYD [unittest arguments]

Clients: Debian's unmodified python3-qpid-proton (only under
/usr/bin/python3): proton.utils.BlockingConnection, with the container's
transactions and link options where a blocking link cannot do it; a raw
socket for what a library will not send (garbage); python3-paho-mqtt,
python3-stomp and the gantry tool for the cross-protocol cases. Every wait
is bounded, and only the processes started here are stopped, by PID.
"""

import os
import socket
import subprocess
import time

from proton import ConnectionException, Delivery, Link, Message, Terminus, Timeout, float32, int32, symbol, timestamp
from proton.reactor import AtMostOnce, Container, DurableSubscription, Selector
from proton.utils import BlockingConnection, LinkDetached

import gantryd_harness as harness
import protocol_clients as clients

WAIT = clients.WAIT


class transaction_events:
    """What the coordinator answered to one transaction (proton.reactor's
    Transaction calls these directly)."""

    def __init__(self):
        self.declared = self.committed = self.aborted = False
        self.failure = None

    def on_transaction_declared(self, event):
        self.declared = True

    def on_transaction_committed(self, event):
        self.committed = True

    def on_transaction_aborted(self, event):
        self.aborted = True

    def on_transaction_declare_failed(self, event):
        self.failure = "declare failed: %s %s" % (event.delivery.remote_state, event.delivery.remote.condition)

    def on_transaction_commit_failed(self, event):
        self.failure = "commit failed: %s %s" % (event.delivery.remote_state, event.delivery.remote.condition)

    def settled(self):
        return self.committed or self.aborted or self.failure is not None


class amqp_test(harness.gantryd_test_case):
    def start_broker(self, *args, amqp_port=None):
        self.broker = self.start_serving("--storePathRootDir", os.path.join(self.workdir, "data"), *args,
                                         amqp_port=amqp_port)
        self.broker_args = args
        return self.broker

    def restart_broker(self):
        self.broker.stop()
        return self.start_broker(*self.broker_args, amqp_port=self.amqp_port)

    def url(self):
        return "amqp://127.0.0.1:%d" % self.amqp_port

    def connect(self, container_id=None, **kwargs):
        container = Container()
        if container_id:
            container.container_id = container_id
        conn = BlockingConnection(self.url(), timeout=WAIT, container=container, **kwargs)
        self.close_at_end(conn.close)
        return conn

    def send(self, conn, address, *messages, **options):
        sender = conn.create_sender(address, **options)
        for m in messages:
            sender.send(m if isinstance(m, Message) else Message(body=m), timeout=WAIT)
        sender.close()

    def wait_for(self, conn, condition, what, timeout=WAIT):
        try:
            conn.wait(condition, timeout=timeout, msg=what)
        except Timeout:
            self.fail("%s: not within %ss" % (what, timeout))

    def next_message(self, receiver, timeout=WAIT, accept=True):
        try:
            m = receiver.receive(timeout=timeout)
        except Timeout:
            self.fail("no message on %s within %ss" % (receiver.link.source.address, timeout))
        if accept and receiver.fetcher.unsettled:
            receiver.accept()
        return m

    def take(self, receiver, n):
        """n messages, their deliveries left unsettled, without granting credit."""
        self.wait_for(receiver.connection, lambda: receiver.fetcher.has_message >= n, "%d messages" % n)
        return [receiver.fetcher.pop() for _ in range(n)]

    def no_message(self, receiver, within=0.7):
        try:
            receiver.connection.wait(lambda: receiver.fetcher.has_message, timeout=within)
        except Timeout:
            return
        m = receiver.fetcher.pop()
        self.fail("unexpected message %r %r" % (m.body, m.properties))

    def refused(self, open_link):
        """The condition of a link the broker refused to open."""
        with self.assertRaises(LinkDetached) as caught:
            open_link()
        condition = caught.exception.link.remote_condition
        self.assertIsNotNone(condition, str(caught.exception))
        return condition

    def gantry_consume(self, topic, *options):
        out = clients.gantry_consume(self.port, topic, *options)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def declare(self, conn):
        events = transaction_events()
        txn = conn.container.declare_transaction(conn.conn, handler=events)
        self.wait_for(conn, lambda: events.declared or events.failure, "transaction declared")
        self.assertIsNone(events.failure)
        return txn, events

    def discharge(self, conn, txn, events, commit):
        txn.commit() if commit else txn.abort()
        self.wait_for(conn, events.settled, "transaction discharged")
        self.assertIsNone(events.failure)
        self.assertTrue(events.committed if commit else events.aborted)

    # --- destinations ---------------------------------------------------------

    def test_queue_round_trip_keeps_body_header_properties_and_typed_application_properties(self):
        self.start_broker()
        receiver = self.connect().create_receiver("queue://q", credit=10)
        sent = Message(body="hello amqp", subject="greeting", correlation_id="corr-1",
                       content_type="text/plain", reply_to="queue://answers", priority=7, durable=True,
                       ttl=60, creation_time=1700000000.5,
                       properties={"count": 3, "small": int32(7), "ok": True, "ratio": 0.25,
                                   "f32": float32(1.5), "name": "x y"})
        self.send(self.connect(), "queue://q", sent)
        got = self.next_message(receiver)
        self.assertEqual(got.body, "hello amqp")
        self.assertEqual((got.subject, got.correlation_id, got.content_type, got.reply_to),
                         ("greeting", "corr-1", "text/plain", "queue://answers"))
        self.assertEqual((got.priority, got.durable), (7, True))
        self.assertGreater(got.ttl, 50)
        self.assertLessEqual(got.ttl, 60)
        self.assertEqual(got.creation_time, 1700000000.5)
        self.assertEqual(got.properties, {"count": 3, "small": 7, "ok": True, "ratio": 0.25, "f32": 1.5,
                                          "name": "x y"})
        types = {k: type(v) for k, v in got.properties.items()}
        self.assertEqual(types, {"count": int, "small": int32, "ok": bool, "ratio": float, "f32": float32,
                                 "name": str})
        self.assertEqual(got.delivery_count, 0)

        # AMQP's default durability is false, and it stays so.
        self.send(self.connect(), "queue://q", Message(body="transient"))
        got = self.next_message(receiver)
        self.assertEqual((got.body, got.durable), ("transient", False))

    def test_delivery_delay_and_delivery_time_hold_a_message_until_it_is_due(self):
        self.start_broker()
        receiver = self.connect().create_receiver("queue://later", credit=10)
        sent_at = time.time()
        self.send(self.connect(), "queue://later",
                  Message(body="in 2.5 s", annotations={symbol("x-opt-delivery-delay"): 2500}),
                  Message(body="at +1.2 s", annotations={symbol("x-opt-delivery-time"):
                                                         timestamp(int((sent_at + 1.2) * 1000))}),
                  Message(body="now"))
        self.assertEqual(self.next_message(receiver).body, "now")
        timed = self.next_message(receiver, timeout=5)
        self.assertEqual(timed.body, "at +1.2 s")
        self.assertGreaterEqual(time.time() - sent_at, 1.2, "not before its delivery time")
        delayed = self.next_message(receiver, timeout=5)
        self.assertEqual(delayed.body, "in 2.5 s")
        self.assertGreaterEqual(time.time() - sent_at, 2.5, "not before its delay has passed")
        self.assertLess(time.time() - sent_at, 5.0)

    def test_topic_fans_out_to_every_receiver_attached_before_the_send(self):
        self.start_broker()
        receivers = [self.connect().create_receiver("topic://t", credit=10) for _ in range(2)]
        producer = self.connect()
        self.send(producer, "topic://t", *["news-%d" % i for i in range(3)])
        for r in receivers:
            self.assertEqual([self.next_message(r).body for _ in range(3)], ["news-0", "news-1", "news-2"])
            self.no_message(r, within=0.3)
        late = self.connect().create_receiver("topic://t", credit=10)
        self.no_message(late)
        self.send(producer, "topic://t", "later")
        for r in receivers + [late]:
            self.assertEqual(self.next_message(r).body, "later")

    def test_queue_receivers_compete_and_each_message_is_delivered_once(self):
        self.start_broker()
        # Five credits each, none given back: 10 messages must be split 5 / 5.
        a = self.connect().create_receiver("queue://work", credit=0)
        b = self.connect().create_receiver("queue://work", credit=0)
        a.flow(5)
        b.flow(5)
        self.send(self.connect(), "queue://work", *["job-%d" % i for i in range(10)])
        got_a = self.take(a, 5)
        got_b = self.take(b, 5)
        self.no_message(a, within=0.3)
        self.no_message(b, within=0.3)
        self.assertEqual(sorted(m.body for m in got_a + got_b), sorted("job-%d" % i for i in range(10)))

    def test_credit_bounds_deliveries_and_the_queue_keeps_the_rest(self):
        self.start_broker()
        self.send(self.connect(), "queue://slow", *["m%d" % i for i in range(5)])
        conn = self.connect()
        r = conn.create_receiver("queue://slow", credit=0)
        r.flow(2)
        first = self.take(r, 2)
        self.assertEqual([m.body for m in first], ["m0", "m1"])
        self.no_message(r)
        # Accepting gives no credit: only a flow does.
        r.accept()
        r.accept()
        self.no_message(r)
        r.flow(1)
        self.assertEqual([m.body for m in self.take(r, 1)], ["m2"])
        self.no_message(r)
        # m2, never settled, goes back to the queue with the link.
        r.close()
        later = self.connect().create_receiver("queue://slow", credit=10)
        self.assertEqual([self.next_message(later).body for _ in range(3)], ["m2", "m3", "m4"])
        self.no_message(later)

    def test_pre_settled_links_deliver_at_most_once_and_unsettled_is_the_default(self):
        self.start_broker()
        conn = self.connect()
        # A pre-settled sender: nobody waits for an answer.
        sender = conn.create_sender("queue://once", options=AtMostOnce())
        for body in ("fire-1", "fire-2"):
            sender.send(Message(body=body))
        # Transfers on a session are ordered: once this unsettled one is accepted, both are in.
        self.send(conn, "queue://sync", "sync")
        presettled = self.connect()
        r = presettled.create_receiver("queue://once", credit=10, options=AtMostOnce())
        self.assertEqual(r.link.remote_snd_settle_mode, Link.SND_SETTLED)
        got = self.take(r, 1)
        self.assertEqual(got[0].body, "fire-1")
        self.assertEqual(len(r.fetcher.unsettled), 0, "a pre-settled delivery arrived unsettled")
        # Pre-settled means delivered: leaving without a word loses nothing more than what was taken.
        self.take(r, 1)
        presettled.close()
        self.no_message(self.connect().create_receiver("queue://once", credit=10))

        # The default: unsettled, and back in the queue if never settled.
        self.send(self.connect(), "queue://twice", "kept")
        unsettled = self.connect()
        r = unsettled.create_receiver("queue://twice", credit=10)
        self.assertNotEqual(r.link.remote_snd_settle_mode, Link.SND_SETTLED)
        self.assertEqual(self.take(r, 1)[0].body, "kept")
        self.assertEqual(len(r.fetcher.unsettled), 1)
        self.assertFalse(r.fetcher.unsettled[0].settled)
        unsettled.close()
        again = self.connect().create_receiver("queue://twice", credit=10)
        self.assertEqual(self.next_message(again).body, "kept")

    # --- outcomes ---------------------------------------------------------------

    def test_outcomes_release_modify_and_reject(self):
        self.start_broker("--maxReconsumeTimes", "5", "--messageDelayLevel", "1s 1s 1s 1s 1s 1s 1s 1s")
        r = self.connect().create_receiver("queue://outcome", credit=10)
        self.send(self.connect(), "queue://outcome", Message(body="poison", properties={"k": "v"}))
        first = self.next_message(r, accept=False)
        self.assertEqual((first.body, first.delivery_count), ("poison", 0))

        # released: back at once, count unchanged.
        r.release(delivered=False)
        start = time.monotonic()
        again = self.next_message(r, accept=False)
        self.assertLess(time.monotonic() - start, 0.9, "a released message went through the retry back-off")
        self.assertEqual((again.body, again.delivery_count), ("poison", 0))

        # modified without delivery-failed: the same as released.
        r.release(delivered=True)
        start = time.monotonic()
        again = self.next_message(r, accept=False)
        self.assertLess(time.monotonic() - start, 0.9)
        self.assertEqual((again.body, again.delivery_count), ("poison", 0))

        # modified with delivery-failed: through the retry topic, one more in the count.
        delivery = r.fetcher.unsettled.popleft()
        delivery.local.failed = True
        delivery.update(Delivery.MODIFIED)
        delivery.settle()
        start = time.monotonic()
        again = self.next_message(r, timeout=WAIT + 5, accept=False)
        self.assertGreaterEqual(time.monotonic() - start, 0.5, "a failed delivery came back without back-off")
        self.assertEqual((again.body, again.delivery_count, again.properties), ("poison", 1, {"k": "v"}))

        # rejected: to the queue's dead-letter topic, not again to the receiver.
        r.reject()
        self.no_message(r, within=3)
        self.assertIn(": poison", self.gantry_consume("%DLQ%GANTRY_QUEUE-outcome"))

    # --- selectors -----------------------------------------------------------------

    def test_selector_picks_messages_and_a_bad_one_refuses_the_link_with_its_position(self):
        self.start_broker()
        conn = self.connect()
        red = conn.create_receiver("queue://paint", credit=10, options=Selector("colour = 'red'"))
        self.send(self.connect(), "queue://paint", Message(body="blue-msg", properties={"colour": "blue"}),
                  Message(body="red-msg", properties={"colour": "red"}))
        self.assertEqual(self.next_message(red).body, "red-msg")
        self.no_message(red)
        # What the selector does not match stays in the queue for its plain receivers.
        plain = self.connect().create_receiver("queue://paint", credit=10)
        self.assertEqual(self.next_message(plain).body, "blue-msg")

        # Its own link name: proton names links after the container and the address.
        condition = self.refused(lambda: conn.create_receiver("queue://paint", name="bad-selector",
                                                              options=Selector("colour = = 'red'")))
        self.assertEqual(condition.name, "amqp:invalid-field")
        self.assertRegex(condition.description, r"(position|column|offset) \d+")
        # The connection lives on.
        self.send(conn, "queue://paint", Message(body="red-2", properties={"colour": "red"}))
        self.assertEqual(self.next_message(red).body, "red-2")

    # --- durable subscriptions ------------------------------------------------------

    def durable_receiver(self, conn):
        return conn.create_receiver("topic://d", name="sub1", credit=10, options=DurableSubscription())

    def detach_and_leave(self, conn, receiver):
        """Detach (closed=false) the link, then close the connection: the
        broker answered the detach before it answers the close."""
        receiver.link.detach()
        conn.close()

    def test_durable_subscription_gets_what_was_sent_while_detached_also_after_a_restart(self):
        self.start_broker()
        conn = self.connect("reader")
        sub = self.durable_receiver(conn)
        self.detach_and_leave(conn, sub)
        producer = self.connect()
        self.send(producer, "topic://d", "one", "two", "three")
        conn = self.connect("reader")
        sub = self.durable_receiver(conn)
        self.assertEqual([self.next_message(sub).body for _ in range(3)], ["one", "two", "three"])
        self.no_message(sub)
        self.detach_and_leave(conn, sub)

        self.send(producer, "topic://d", "while-down-soon")
        producer.close()
        self.restart_broker()
        conn = self.connect("reader")
        sub = self.durable_receiver(conn)
        self.assertEqual(self.next_message(sub).body, "while-down-soon")
        self.no_message(sub)

        # Closing the link (closed=true) ends the subscription, with what it would have collected.
        sub.close()
        conn.close()
        self.send(self.connect(), "topic://d", "after-the-end")
        sub = self.durable_receiver(self.connect("reader"))
        self.no_message(sub)

    def test_durable_subscription_is_per_container_id(self):
        self.start_broker()
        conn = self.connect("reader-a")
        self.detach_and_leave(conn, self.durable_receiver(conn))
        self.send(self.connect(), "topic://d", "for-a")
        other = self.connect("reader-b")
        self.no_message(self.durable_receiver(other))
        conn = self.connect("reader-a")
        self.assertEqual(self.next_message(self.durable_receiver(conn)).body, "for-a")

    def test_unsubscribe_looks_the_subscription_up_by_name_as_qpid_jms_does(self):
        self.start_broker()
        conn = self.connect("jms-client")
        self.detach_and_leave(conn, self.durable_receiver(conn))
        self.send(self.connect(), "topic://d", "kept for sub1")
        # Qpid JMS's session.unsubscribe("sub1"): a receiver link named by
        # the subscription, with no source address, closed once attached.
        conn = self.connect("jms-client")
        lookup = conn.create_receiver(None, name="sub1")
        self.assertEqual(lookup.link.remote_source.address, "topic://d")
        self.assertEqual(lookup.link.remote_source.durability, Terminus.DELIVERIES)
        self.no_message(lookup)
        lookup.close()
        conn.close()
        # Gone: neither found again nor collecting.
        self.assertEqual(self.refused(lambda: self.connect("jms-client").create_receiver(None, name="sub1")).name,
                         "amqp:not-found")
        self.send(self.connect(), "topic://d", "after unsubscribe")
        self.no_message(self.durable_receiver(self.connect("jms-client")))
        # A name no subscription has: amqp:not-found.
        self.assertEqual(self.refused(lambda: self.connect("jms-client").create_receiver(None, name="never-made"))
                         .name, "amqp:not-found")

    # --- dynamic nodes ------------------------------------------------------------

    def test_dynamic_receiver_request_reply(self):
        self.start_broker()
        service = self.connect()
        requests = service.create_receiver("queue://requests", credit=10)
        requester = self.connect()
        replies = requester.create_receiver(None, dynamic=True, credit=10)
        reply_to = replies.link.remote_source.address
        self.assertTrue(reply_to, "the dynamic source got no address")
        self.assertTrue(replies.link.remote_source.dynamic)
        self.send(requester, "queue://requests", Message(body="2+2", reply_to=reply_to, correlation_id="q1"),
                  Message(body="3+3", reply_to=reply_to, correlation_id="q2"))

        first = self.next_message(requests)
        self.assertEqual((first.body, first.reply_to), ("2+2", reply_to))
        self.send(service, first.reply_to, Message(body="4", correlation_id=first.correlation_id))
        reply = self.next_message(replies)
        self.assertEqual((reply.body, reply.correlation_id), ("4", "q1"))

        # The same through the anonymous relay: a link with no target, each message to its own address.
        second = self.next_message(requests)
        relay = service.create_sender(None)
        relay.send(Message(address=second.reply_to, body="6", correlation_id=second.correlation_id), timeout=WAIT)
        reply = self.next_message(replies)
        self.assertEqual((reply.body, reply.correlation_id), ("6", "q2"))

    # --- transactions ---------------------------------------------------------------

    def test_transaction_commit_makes_sends_visible_and_rollback_drops_them(self):
        self.start_broker()
        watcher = self.connect().create_receiver("queue://tx", credit=10)
        conn = self.connect()
        sender = conn.create_sender("queue://tx")
        txn, events = self.declare(conn)
        txn.send(sender.link, Message(body="in-tx-1"))
        txn.send(sender.link, Message(body="in-tx-2"))
        # Transfers on a link are ordered: once this one is accepted the broker holds both above.
        sender.send(Message(body="outside"), timeout=WAIT)
        self.assertEqual(self.next_message(watcher).body, "outside")
        self.no_message(watcher)
        self.discharge(conn, txn, events, commit=True)
        self.assertEqual([self.next_message(watcher).body for _ in range(2)], ["in-tx-1", "in-tx-2"])

        txn, events = self.declare(conn)
        txn.send(sender.link, Message(body="rolled-back"))
        sender.send(Message(body="outside-2"), timeout=WAIT)
        self.discharge(conn, txn, events, commit=False)
        self.assertEqual(self.next_message(watcher).body, "outside-2")
        self.no_message(watcher)

    def test_rollback_redelivers_messages_accepted_in_the_transaction(self):
        self.start_broker()
        self.send(self.connect(), "queue://txack", "work")
        conn = self.connect()
        r = conn.create_receiver("queue://txack", credit=10)
        self.assertEqual(self.take(r, 1)[0].body, "work")
        txn, events = self.declare(conn)
        txn.accept(r.fetcher.unsettled.popleft())
        self.discharge(conn, txn, events, commit=False)
        again = self.take(r, 1)[0]
        self.assertEqual(again.body, "work")
        self.no_message(r)

        txn, events = self.declare(conn)
        txn.accept(r.fetcher.unsettled.popleft())
        self.discharge(conn, txn, events, commit=True)
        self.no_message(r)
        conn.close()
        self.no_message(self.connect().create_receiver("queue://txack", credit=10))

    # --- limits, authentication and bad input ------------------------------------------

    def test_large_message_round_trip(self):
        self.start_broker("--maxMessageSize", "8388608")
        body = os.urandom(5 * 1024 * 1024)
        r = self.connect().create_receiver("queue://big", credit=2)
        self.send(self.connect(), "queue://big", Message(body=body, properties={"n": 1}))
        got = self.next_message(r, timeout=30)
        self.assertEqual(len(got.body), len(body))
        self.assertTrue(got.body == body, "the 5 MiB body came back changed")

    def test_message_over_max_message_size_ends_the_link(self):
        self.start_broker("--maxMessageSize", "1048576")
        conn = self.connect()
        sender = conn.create_sender("queue://too-big")
        self.assertEqual(sender.link.remote_max_message_size, 1048576)
        with self.assertRaises(LinkDetached) as caught:
            sender.send(Message(body=b"x" * (2 * 1024 * 1024)), timeout=WAIT)
        self.assertEqual(caught.exception.link.remote_condition.name, "amqp:link:message-size-exceeded")
        # A new link of its own name: proton attaches it before it detaches the old one.
        self.send(conn, "queue://too-big", "small", name="small-sender")
        self.assertEqual(self.next_message(conn.create_receiver("queue://too-big")).body, "small")

    def test_sasl_plain_accepts_only_known_users_and_anonymous_is_refused(self):
        passwd = os.path.join(self.workdir, "passwd")
        subprocess.run(["mosquitto_passwd", "-c", "-b", passwd, "alice", "wonderland"], check=True,
                       capture_output=True, timeout=WAIT)
        self.start_broker("--passwordFile", passwd, "--allowAnonymous", "false")
        plain = dict(allowed_mechs="PLAIN", allow_insecure_mechs=True)
        for label, kwargs in (("wrong password", dict(user="alice", password="wonderland!", **plain)),
                              ("unknown user", dict(user="mallory", password="wonderland", **plain)),
                              ("anonymous", dict(allowed_mechs="ANONYMOUS")),
                              ("default mechanisms, no user", {}),
                              ("no SASL", dict(sasl_enabled=False))):
            with self.subTest(label):
                with self.assertRaises(ConnectionException, msg=label):
                    conn = BlockingConnection(self.url(), timeout=WAIT, **kwargs)
                    try:
                        # A connection the broker let in would carry a link.
                        conn.create_receiver("queue://secret")
                    finally:
                        conn.close()
        alice = self.connect(user="alice", password="wonderland", **plain)
        self.send(alice, "queue://secret", "for alice")
        self.assertEqual(self.next_message(alice.create_receiver("queue://secret")).body, "for alice")

    def test_garbage_closes_that_connection_and_the_broker_keeps_serving(self):
        # Malformed input is refused at once; a frame that never completes
        # (proton waits for the rest) is closed by the idle timeout.
        self.start_broker("--amqp.idleTimeout", "3000")
        sockets = []
        for garbage in (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                        b"AMQP\x00\x01\x00\x00" + b"\x00\x00\x00\x02\x00\x00\x00\x00",
                        b"AMQP\x03\x01\x00\x00" + b"\xde\xad\xbe\xef" * 8,
                        b"AMQP\x00\x01\x00\x00" + b"\x00\x00\x00\x10\x02\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff",
                        b"AMQP\x00\x01\x00\x00" + b"\x00\x00\x00\x02"):
            s = socket.create_connection(("127.0.0.1", self.amqp_port), timeout=WAIT)
            self.close_at_end(s.close)
            s.sendall(garbage)
            sockets.append((garbage, s))
        # One deadline for all of them.
        deadline = time.monotonic() + WAIT
        for garbage, s in sockets:
            with self.subTest(garbage=garbage):
                self.assertTrue(clients.closed_within(s, max(0.1, deadline - time.monotonic())),
                                "still open after %r" % garbage)
        still = self.connect().create_receiver("topic://still", credit=10)
        self.send(self.connect(), "topic://still", "alive")
        self.assertEqual(self.next_message(still).body, "alive")

    def test_links_to_invalid_addresses_are_refused_with_not_found(self):
        self.start_broker()
        conn = self.connect()
        for label, open_link in (("empty queue name", lambda: conn.create_receiver("queue://")),
                                 ("empty topic name to send to", lambda: conn.create_sender("topic://")),
                                 ("system topic", lambda: conn.create_sender("topic://TBW102")),
                                 ("system topic to receive from", lambda: conn.create_receiver("topic://TBW102")),
                                 ("first-level wildcard", lambda: conn.create_receiver("topic://#")),
                                 ("wildcard to send to", lambda: conn.create_sender("topic://a/+"))):
            with self.subTest(label):
                condition = self.refused(open_link)
                self.assertEqual(condition.name, "amqp:not-found", label)
                self.assertTrue(condition.description, label)
        # The connection lives on.
        self.send(conn, "queue://fine", "ok")
        self.assertEqual(self.next_message(conn.create_receiver("queue://fine")).body, "ok")

    def test_cpp_examples_use_a_queue_and_a_durable_subscription(self):
        """examples/amqp's qpid-proton C++ sender and receiver, as a user runs them."""
        self.start_broker()
        url = "amqp://127.0.0.1:%d" % self.amqp_port

        def run(program, *args):
            done = subprocess.run([harness.sibling_program(program), "-u", url, *args],
                                  capture_output=True, text=True, timeout=WAIT * 2)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertNotIn("error", done.stderr)
            return done.stdout.split("\n")

        self.assertIn("3 messages accepted by queue://ex-orders", run("amqp_sender", "-a", "queue://ex-orders", "-c", "3"))
        self.assertEqual(run("amqp_receiver", "-a", "queue://ex-orders", "-c", "3")[:3],
                         ["message 1", "message 2", "message 3"])
        # A durable subscription (made here, as the example's receiver makes
        # it: container id and link name), fed while away, resumed by the
        # example and ended by it.
        conn = self.connect("reader-1")
        self.detach_and_leave(conn, conn.create_receiver("topic://ex-news", name="daily",
                                                         options=DurableSubscription()))
        run("amqp_sender", "-a", "topic://ex-news", "-c", "2")
        self.assertEqual(run("amqp_receiver", "-a", "topic://ex-news", "-i", "reader-1", "-s", "daily", "-c", "2",
                             "--unsubscribe")[:2], ["message 1", "message 2"])
        run("amqp_sender", "-a", "topic://ex-news", "-c", "1")
        ended = self.connect("reader-1").create_receiver("topic://ex-news", name="daily", options=DurableSubscription())
        self.no_message(ended)

    # --- across protocols ----------------------------------------------------------------

    def test_python_request_reply_example_answers_through_a_temporary_queue(self):
        """examples/amqp/request_reply.py, server and client, as a user runs them."""
        self.start_broker()
        script = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "amqp", "request_reply.py")
        env = dict(os.environ, GANTRY_AMQP_URL=self.url())
        server = subprocess.Popen(["/usr/bin/python3", script, "serve", "1"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: server.poll() is None and (server.kill(), server.wait()))
        asked = subprocess.run(["/usr/bin/python3", script, "ask", "hello gantry"], env=env, capture_output=True,
                               text=True, timeout=30)
        self.assertEqual((asked.returncode, asked.stdout), (0, "HELLO GANTRY\n"), asked.stderr)
        _, errors = server.communicate(timeout=WAIT)
        self.assertEqual(server.returncode, 0, errors)

    def test_amqp_message_reaches_mqtt_stomp_and_native_consumers_intact(self):
        self.start_broker()
        mqtt = clients.mqtt_client(self.mqtt_port, "cross")
        self.close_at_end(mqtt.close)
        mqtt.subscribe("sensors/room1", 1)

        st = clients.stomp_connection(self.stomp_port)
        self.close_at_end(st.disconnect)
        st.subscribe("/topic/sensors.room1", "1", headers={"receipt": "sub"})
        self.assertEqual(st.got.receipts.get(timeout=WAIT), "sub")

        self.send(self.connect(), "topic://sensors/room1",
                  Message(body='{"t": 21.5}', content_type="application/json", correlation_id="corr-9",
                          reply_to="topic://answers", properties={"unit": "celsius", "count": 3}))
        msg = mqtt.next_message()
        self.assertEqual((msg.topic, msg.payload), ("sensors/room1", b'{"t": 21.5}'))
        props = msg.properties
        self.assertEqual(props.ContentType, "application/json")
        self.assertEqual(props.CorrelationData, b"corr-9")
        self.assertEqual(props.ResponseTopic, "topic://answers")
        self.assertIn(("unit", "celsius"), props.UserProperty)
        self.assertIn(("count", "3"), props.UserProperty)

        frame = st.got.messages.get(timeout=WAIT)
        self.assertEqual(frame.body, '{"t": 21.5}')
        self.assertEqual(frame.headers["destination"], "/topic/sensors.room1")
        self.assertEqual(frame.headers["content-type"], "application/json")
        self.assertEqual(frame.headers["correlation-id"], "corr-9")
        self.assertEqual(frame.headers["unit"], "celsius")
        self.assertEqual(frame.headers["count"], "3")

        out = self.gantry_consume("sensors", "--properties")
        self.assertIn('{"t": 21.5}', out)
        self.assertIn("unit = celsius", out)
        self.assertRegex(out, r"tag 'room1'|tags? room1|room1")

    def test_mqtt_message_reaches_an_amqp_wildcard_receiver_with_its_properties(self):
        self.start_broker()
        r = self.connect().create_receiver("topic://sensors/#", credit=10)
        mqtt = clients.mqtt_client(self.mqtt_port, "pub")
        self.close_at_end(mqtt.close)
        props = clients.publish_properties(ContentType="text/plain", CorrelationData=b"c-7",
                                           UserProperty=[("shift", "night")])
        mqtt.publish("sensors/room2", b"running", qos=1, properties=props)
        got = self.next_message(r)
        body = got.body if isinstance(got.body, bytes) else str(got.body).encode()
        self.assertEqual(body, b"running")
        self.assertEqual(got.content_type, "text/plain")
        self.assertEqual(got.properties.get("shift"), "night", got.properties)
        self.assertIn(got.correlation_id, ("c-7", b"c-7"))


if __name__ == "__main__":
    harness.main(__doc__)
