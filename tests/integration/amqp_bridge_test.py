#!/usr/bin/python3
"""AMQP 1.0 bridges (issue #9) from the real gantryd to another gantryd and
to Debian's RabbitMQ (rabbitmq_amqp1_0 plugin), all on loopback.

Usage: amqp_bridge_test.py GANTRYD [unittest arguments]

Each test writes its own gantry.toml with a [[bridge]] entry of type "amqp",
starts the brokers on free ports (RabbitMQ as a private node,
rabbitmq_broker.py), and drives them with python3-qpid-proton and
python3-paho-mqtt (only under /usr/bin/python3). Every wait is bounded, and
only the processes started here are stopped, by PID.
"""

import os
import signal
import subprocess
import time

from proton import Message, Terminus
from proton.reactor import LinkOption
from proton.utils import BlockingConnection

import gantryd_harness as harness
import protocol_clients as clients
from bridge_test import stream_checks
from rabbitmq_broker import rabbitmq_broker

WAIT = 15.0


def amqp_entry(name, port, links, **keys):
    """One [[bridge]] table of type "amqp"; links are (direction, local, remote[, presettled])."""
    lines = ["[[bridge]]", 'name = "%s"' % name, 'type = "amqp"', 'addresses = ["127.0.0.1:%d"]' % port,
             "reconnectMin = 200", "reconnectMax = 1000", "links = ["]
    for link in links:
        presettled = ", presettled = true" if len(link) > 3 and link[3] else ""
        lines.append('  { direction = "%s", local = "%s", remote = "%s"%s },' % (link[0], link[1], link[2], presettled))
    lines.append("]")
    for key, value in keys.items():
        lines.append("%s = %s" % (key, '"%s"' % value if isinstance(value, str) else str(value).lower()))
    return "\n".join(lines) + "\n"


class durable_terminus(LinkOption):
    """The remote terminus durable, as the bridge asks for it: RabbitMQ
    declares /queue/NAME durable then, and ends the session of a link whose
    durability differs from the queue's."""

    def apply(self, link):
        terminus = link.target if link.is_sender else link.source
        terminus.durability = Terminus.DELIVERIES
        terminus.expiry_policy = Terminus.EXPIRE_NEVER


class amqp_peer:
    """A blocking python3-qpid-proton connection to one broker; `durable`:
    its links ask for durable termini (durable_terminus)."""

    def __init__(self, port, durable=False, **options):
        self.connection = BlockingConnection("amqp://127.0.0.1:%d" % port, timeout=WAIT, **options)
        self.options = durable_terminus() if durable else None
        self.receivers = {}

    def send(self, address, *messages):
        sender = self.connection.create_sender(address, options=self.options)
        for m in messages:
            sender.send(m)  # returns once the broker settled it

    def receiver(self, address, credit):
        if address not in self.receivers:
            self.receivers[address] = self.connection.create_receiver(address, credit=credit, options=self.options)
        return self.receivers[address]

    def receive(self, address, count, timeout=WAIT):
        receiver = self.receiver(address, count)
        got = []
        for _ in range(count):
            got.append(receiver.receive(timeout=timeout))
            receiver.accept()
        return got

    def nothing_on(self, address, within=1.0):
        receiver = self.receiver(address, 10)
        try:
            m = receiver.receive(timeout=within)
        except Exception:  # proton.Timeout
            return True
        receiver.accept()
        raise AssertionError("unexpected message on %s: %r" % (address, m.body))

    def close(self):
        self.connection.close()


def bridge_rows(port):
    """`gantry bridge list` of the gantryd whose native port is `port`, by bridge name."""
    result = subprocess.run([harness.sibling_program("gantry"), "-n", "127.0.0.1:%d" % port, "bridge", "list"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    # BROKER BRIDGE TYPE STATE REMOTE MSGS-OUT BYTES-OUT MSGS-IN BYTES-IN BACKLOG DROPPED LAST-ERROR
    return {line.split()[1]: line.split() for line in result.stdout.splitlines()[1:]}


class bridge_test_case(harness.gantryd_test_case):
    def start_gantry(self, name, *entries):
        conf = os.path.join(self.workdir, name + ".toml")
        with open(conf, "w") as f:
            f.write("\n".join(entries))
        broker = self.start_serving("-c", conf, "--storePathRootDir", os.path.join(self.workdir, name), name=name)
        broker.port = self.port
        broker.amqp = self.amqp_port
        broker.mqtt = self.mqtt_port
        return broker

    def peer(self, port):
        p = amqp_peer(port)
        self.close_at_end(p.close)
        return p

    def wait_connected(self, broker, bridge):
        self.assertTrue(broker.wait_for_log("bridge '%s' connected" % bridge, WAIT),
                        "bridge %s did not connect:\n%s" % (bridge, broker.stderr()[-3000:]))


class gantry_to_gantry_test(stream_checks, bridge_test_case):
    """The remote is another gantryd, reached over its AMQP listener."""

    def test_out_link_forwards_topics_with_their_fields(self):
        remote = self.start_gantry("remote")
        local = self.start_gantry("local", amqp_entry("dc", remote.amqp, [("out", "topic://plant/#", "queue://plant-in")]))
        self.wait_connected(local, "dc")
        mqtt = clients.mqtt_client(local.mqtt, "sensor", 5)
        self.close_at_end(mqtt.close)
        props = clients.publish_properties(ContentType="application/json", CorrelationData=b"c-1",
                                           UserProperty=[("site", "east")])
        mqtt.publish("plant/line1/temp", b'{"t":21}', 1, properties=props)
        peer = self.peer(remote.amqp)
        [m] = peer.receive("queue://plant-in", 1)
        self.assertEqual(m.body, b'{"t":21}')
        self.assertEqual(m.content_type, "application/json")
        self.assertEqual(m.correlation_id, "c-1")  # MQTT's correlation data as AMQP's string id
        self.assertEqual(m.properties.get("site"), "east")
        self.assertNotIn("gantry.bridge", m.properties or {})

    def test_in_link_stores_the_remote_queue_locally(self):
        remote = self.start_gantry("remote")
        peer_remote = self.peer(remote.amqp)
        peer_remote.send("queue://orders", *[Message(body="order-%d" % i, properties={"n": i}, durable=True)
                                             for i in range(20)])
        local = self.start_gantry("local", amqp_entry("dc", remote.amqp, [("in", "queue://orders-copy", "queue://orders")]))
        self.wait_connected(local, "dc")
        got = self.peer(local.amqp).receive("queue://orders-copy", 20)
        self.assertEqual([m.body for m in got], ["order-%d" % i for i in range(20)])
        self.assertEqual([m.properties["n"] for m in got], list(range(20)))
        # Accepted at the remote only once stored here: the remote queue is empty.
        self.assertTrue(peer_remote.nothing_on("queue://orders"))

    def test_backlog_waits_in_the_log_while_the_remote_is_down_and_drains_in_order(self):
        remote_port = harness.free_port()
        local = self.start_gantry("local", amqp_entry("dc", remote_port, [("out", "queue://work", "queue://work")]))
        peer_local = self.peer(local.amqp)
        peer_local.send("queue://work", *[Message(body="job-%d" % i, durable=True) for i in range(300)])
        self.assertTrue(local.wait_for_log("bridge 'dc'", WAIT))
        self.start_serving("--storePathRootDir", os.path.join(self.workdir, "remote"), name="remote",
                           amqp_port=remote_port)
        self.wait_connected(local, "dc")
        got = self.peer(remote_port).receive("queue://work", 300)
        self.assertEqual([m.body for m in got], ["job-%d" % i for i in range(300)])
        # The bridge took them off the local queue.
        self.assertTrue(peer_local.nothing_on("queue://work"))

    def test_gantryd_restarted_mid_backlog_resumes_from_its_committed_position(self):
        count = 20_000
        remote_port = harness.free_port()
        entry = amqp_entry("dc", remote_port, [("out", "topic://stream", "queue://stream")])
        local = self.start_gantry("local", entry)
        publishing, failures = self.stream("stream", count)  # a backlog while the remote is away
        publishing.join(90)
        self.assertEqual(failures, [])
        self.start_serving("--storePathRootDir", os.path.join(self.workdir, "remote"), name="remote",
                           amqp_port=remote_port)
        deadline = time.monotonic() + 60
        while int(bridge_rows(local.port)["dc"][5]) < count // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertLess(int(bridge_rows(local.port)["dc"][5]), count, "drained before the stop: nothing to resume")
        local.process.send_signal(signal.SIGTERM)
        self.assertEqual(local.wait(), 0, local.stderr())
        local = self.start_gantry("local", entry)  # the same data: the group's committed position
        receiver = self.peer(remote_port).receiver("queue://stream", 500)
        received = []
        deadline = time.monotonic() + 120
        while len(set(received)) < count and time.monotonic() < deadline:
            try:
                m = receiver.receive(timeout=5)
            except Exception:  # proton.Timeout: still draining
                continue
            received.append(int(m.body))
            receiver.accept()
        self.assert_all_arrived_in_order(received, count, 0)
        self.assertLess(len(received) - len(set(received)), count // 4,
                        "the second gantryd sent the rest, not everything again")

    def test_two_way_links_on_one_address_do_not_echo(self):
        remote = self.start_gantry("remote")
        local = self.start_gantry("local", amqp_entry("dc", remote.amqp, [("out", "topic://chat", "topic://chat"),
                                                                          ("in", "topic://chat", "topic://chat")]))
        self.wait_connected(local, "dc")
        local_peer = self.peer(local.amqp)
        remote_peer = self.peer(remote.amqp)
        local_peer.nothing_on("topic://chat", within=0.5)  # subscribed from now on
        remote_peer.nothing_on("topic://chat", within=0.5)
        time.sleep(1.0)  # the bridge's own receiver attached at the remote
        local_peer.send("topic://chat", Message(body="from-local"))
        remote_peer.send("topic://chat", Message(body="from-remote"))
        remote_got = sorted(m.body for m in remote_peer.receive("topic://chat", 2))
        local_got = sorted(m.body for m in local_peer.receive("topic://chat", 2))
        self.assertEqual(remote_got, ["from-local", "from-remote"])
        self.assertEqual(local_got, ["from-local", "from-remote"])
        # Neither comes a second time: no echo either way.
        self.assertTrue(local_peer.nothing_on("topic://chat", within=1.5))
        self.assertTrue(remote_peer.nothing_on("topic://chat", within=0.5))

    def test_a_link_the_remote_refuses_is_reported_and_tried_again(self):
        remote = self.start_gantry("remote")
        # "queue://" names no queue: the remote gantryd refuses the attach.
        local = self.start_gantry("local", amqp_entry("dc", remote.amqp, [("out", "queue://a", "queue://")]))
        refusal = "bridge 'dc': 127.0.0.1:%d refused or closed the link to 'queue://' (amqp:not-found" % remote.amqp
        self.assertTrue(local.wait_for_log(refusal, WAIT), local.stderr()[-3000:])
        deadline = time.monotonic() + WAIT
        while local.stderr().count(refusal) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertGreaterEqual(local.stderr().count(refusal), 2, "tried again after the back-off")

    def test_gantry_bridge_list_shows_an_amqp_bridge(self):
        remote = self.start_gantry("remote")
        local = self.start_gantry("local", amqp_entry("dc", remote.amqp, [("out", "queue://q", "queue://q")]))
        self.wait_connected(local, "dc")
        self.peer(local.amqp).send("queue://q", Message(body="12345"))
        self.peer(remote.amqp).receive("queue://q", 1)
        row = bridge_rows(local.port)["dc"]
        self.assertEqual(row[1:7], ["dc", "amqp", "connected", "127.0.0.1:%d" % remote.amqp, "1", "5"], row)


class rabbitmq_test(stream_checks, bridge_test_case):
    """The remote is a private node of Debian's RabbitMQ with its AMQP 1.0
    plugin, whose addresses are /queue/NAME (declared on first use, durable)
    and /exchange/NAME/KEY."""

    def setUp(self):
        super().setUp()
        self.rabbitmq = rabbitmq_broker(self.workdir, harness.free_port())
        self.addCleanup(self.rabbitmq.stop)
        self.rabbitmq.start()

    def rabbit(self):
        p = amqp_peer(self.rabbitmq.port, durable=True, user="guest", password="guest", allowed_mechs="PLAIN")
        self.close_at_end(p.close)
        return p

    def start_bridged(self, links, **keys):
        keys.setdefault("username", "guest")
        keys.setdefault("password", "guest")
        local = self.start_gantry("local", amqp_entry("rabbit", self.rabbitmq.port, links, **keys))
        self.wait_connected(local, "rabbit")
        return local

    def test_out_and_in_carry_every_field(self):
        local = self.start_bridged([("out", "topic://plant/#", "/queue/plant"),
                                    ("in", "queue://invoices", "/queue/invoices")])
        mqtt = clients.mqtt_client(local.mqtt, "sensor", 5)
        self.close_at_end(mqtt.close)
        mqtt.publish("plant/line1/temp", b"21.5", 1, properties=clients.publish_properties(
            ContentType="text/plain", UserProperty=[("site", "east")], ResponseTopic="plant/replies"))
        rabbit = self.rabbit()
        [m] = rabbit.receive("/queue/plant", 1)
        self.assertEqual((m.body, m.content_type, m.properties.get("site")), (b"21.5", "text/plain", "east"))
        rabbit.send("/queue/invoices", Message(body="inv-7", content_type="text/plain", correlation_id="c-7",
                                               subject="invoice", properties={"amount": 12, "currency": "EUR"},
                                               durable=True))
        [got] = self.peer(local.amqp).receive("queue://invoices", 1)
        self.assertEqual((got.body, got.content_type, got.correlation_id, got.subject),
                         ("inv-7", "text/plain", "c-7", "invoice"))
        self.assertEqual(got.properties, {"amount": 12, "currency": "EUR"})
        self.assertTrue(rabbit.nothing_on("/queue/invoices"), "accepted at RabbitMQ once stored here")

    def test_rabbitmq_killed_mid_stream_loses_nothing(self):
        count = 50_000
        local = self.start_bridged([("out", "topic://stream", "/queue/stream")])
        publishing, failures = self.stream("stream", count)
        deadline = time.monotonic() + 60
        while int(bridge_rows(local.port)["rabbit"][5]) < count // 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        self.rabbitmq.kill()
        time.sleep(10)
        self.rabbitmq.start()
        publishing.join(90)
        self.assertEqual(failures, [])
        rabbit = self.rabbit()
        receiver = rabbit.receiver("/queue/stream", 500)
        received = []
        deadline = time.monotonic() + 180
        while len(set(received)) < count and time.monotonic() < deadline:
            try:
                m = receiver.receive(timeout=5)
            except Exception:  # proton.Timeout: the bridge is still draining its backlog
                continue
            received.append(int(m.body))
            receiver.accept()
        self.assert_all_arrived_in_order(received, count, 0)
        self.assertIn("bridge 'rabbit' lost its connection", local.stderr())


if __name__ == "__main__":
    harness.main(__doc__)
