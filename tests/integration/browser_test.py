#!/usr/bin/python3
"""The browser examples (examples/browser) in Debian's headless Chromium,
served by the gantryd they connect to (issue #8).

Usage: browser_test.py GANTRYD [unittest arguments]

Each page is driven through playwright-core (tests/browser/drive_page.js,
browser_page.py) and the tests assert on what it shows. On the other side:
mosquitto_sub and python3-stomp over TCP (only under /usr/bin/python3).
scripts/install-deps installs Chromium, node, playwright-core and the pages'
bundles (MQTT.js, @stomp/stompjs).
"""

import os

import gantryd_harness as harness
import protocol_clients as clients
from browser_page import browser_page, missing_tools

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.normpath(os.path.join(HERE, "..", "..", "examples", "browser"))


class browser_test(harness.gantryd_test_case):
    def setUp(self):
        missing = missing_tools()
        if not os.path.isdir(os.path.join(EXAMPLES, "node_modules")):
            missing.append(os.path.join(EXAMPLES, "node_modules"))
        self.assertEqual(missing, [], "run scripts/install-deps")
        super().setUp()
        self.start_serving("--storePathRootDir", os.path.join(self.workdir, "data"), "--websocket.staticDir", EXAMPLES)

    def open(self, name, connected="connected"):
        """The example page `name` as gantryd serves it, once it shows `connected`."""
        page = browser_page("http://127.0.0.1:%d/%s" % (self.websocket_port, name), self.workdir)
        self.close_at_end(page.stop)
        page.wait_for("#status", connected)
        return page

    def assert_page_was_clean(self, page):
        """No script error, no failed request, nothing from another origin, no error shown."""
        self.assertEqual(page.problems(), [])
        self.assertEqual([e for e in page.items("#events li") if "error" in e], [])

    # --- the MQTT page (MQTT.js) ---------------------------------------------

    def mqtt_subscribe(self, page, topic):
        page.fill("#subscribe-topic", topic)
        page.select("#subscribe-qos", "1")
        page.click("#subscribe")
        page.wait_for("#events li", "subscribed to %s with QoS 1" % topic)

    def mqtt_publish(self, page, topic, payload, retain=False):
        page.fill("#publish-topic", topic)
        page.fill("#publish-payload", payload)
        page.select("#publish-qos", "1")
        page.set_checked("#publish-retain", retain)
        page.click("#publish")
        page.wait_for("#events li", "published to %s with QoS 1%s (acknowledged)"
                      % (topic, ", retained" if retain else ""))

    def test_mqtt_page_publishes_and_subscribes_with_qos1(self):
        page = self.open("mqtt.html")
        self.mqtt_subscribe(page, "browser/+/qos1")
        self.mqtt_publish(page, "browser/page/qos1", "hello at least once")
        page.wait_for("#messages li", "hello at least once")
        self.assertEqual(page.items("#messages li"),
                         [{"topic": "browser/page/qos1", "qos": "QoS 1", "payload": "hello at least once"}])
        self.assert_page_was_clean(page)

    def test_mqtt_page_shows_the_retain_flag_of_a_message_retained_before_it_subscribed(self):
        page = self.open("mqtt.html")
        self.mqtt_publish(page, "browser/retained", "kept for later", retain=True)
        self.mqtt_subscribe(page, "browser/retained")
        page.wait_for("#messages li", "kept for later")
        self.mqtt_publish(page, "browser/retained", "live")
        page.wait_for("#messages li", "live")
        self.assertEqual(page.items("#messages li"), [
            {"topic": "browser/retained", "qos": "QoS 1", "retained": "retained", "payload": "kept for later"},
            {"topic": "browser/retained", "qos": "QoS 1", "payload": "live"}])
        self.assert_page_was_clean(page)

    def test_mqtt_page_message_reaches_mosquitto_sub_over_tcp(self):
        tcp = clients.mosquitto_sub(self.mqtt_port, "browser/to-tcp", "-q", "1", "-C", "1")
        self.close_at_end(tcp.stop)
        self.assertTrue(tcp.wait_for("SUBACK"), "mosquitto_sub did not subscribe")
        page = self.open("mqtt.html")
        self.mqtt_publish(page, "browser/to-tcp", "from the browser to tcp")
        self.assertTrue(tcp.wait_for("from the browser to tcp"), "mosquitto_sub got nothing")
        self.assert_page_was_clean(page)

    # --- the STOMP page (@stomp/stompjs) -------------------------------------

    def stomp_subscribe(self, page, destination):
        page.fill("#subscribe-destination", destination)
        page.click("#subscribe")
        page.wait_for("#events li", "subscribed to %s (receipt-" % destination)

    def test_stomp_page_sends_and_subscribes_with_receipts(self):
        page = self.open("stomp.html", "connected (STOMP 1.2)")
        self.stomp_subscribe(page, "/queue/browser")
        page.fill("#send-destination", "/queue/browser")
        page.fill("#send-body", "hello with a receipt")
        page.click("#send")
        page.wait_for("#events li", "sent to /queue/browser (receipt-2)")
        page.wait_for("#messages li", "hello with a receipt")
        self.assertEqual(page.items("#messages li"), [{"destination": "/queue/browser", "body": "hello with a receipt"}])
        self.assertEqual([e["event"] for e in page.items("#events li")],
                         ["subscribed to /queue/browser (receipt-1)", "sent to /queue/browser (receipt-2)"])
        self.assert_page_was_clean(page)

    def test_python_stomp_message_over_tcp_reaches_the_stomp_page(self):
        page = self.open("stomp.html", "connected (STOMP 1.2)")
        # A topic keeps nothing for later: the page sees the message only live.
        self.stomp_subscribe(page, "/topic/browser.news")
        tcp = clients.stomp_connection(self.stomp_port)
        self.close_at_end(tcp.disconnect)
        tcp.send("/topic/browser.news", "from python over tcp", receipt="tcp-send")
        page.wait_for("#messages li", "from python over tcp")
        self.assertEqual(page.items("#messages li"),
                         [{"destination": "/topic/browser.news", "body": "from python over tcp"}])
        self.assert_page_was_clean(page)


if __name__ == "__main__":
    harness.main(__doc__)
