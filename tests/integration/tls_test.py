#!/usr/bin/python3
"""TLS listeners against the real gantryd: MQTT over TLS (mqttTlsPort) with
Debian's mosquitto_pub and mosquitto_sub and Python's ssl module, with
certificates openssl makes for each test.

Usage: tls_test.py GANTRYD [unittest arguments]
"""

import socket
import ssl

import certificates
import gantryd_harness as harness
import protocol_clients as clients

WAIT = clients.WAIT

# MQTT 5.0 CONNECT: clean start, keep-alive 30 s, no properties, empty client id.
CONNECT_V5 = bytes([0x10, 13, 0, 4]) + b"MQTT" + bytes([5, 0x02, 0, 30, 0, 0, 0])
# A PUBLISH at QoS 3, which no MQTT version has: a malformed packet.
PUBLISH_QOS_3 = bytes([0x36, 2, 0, 0])


class tls_test(harness.gantryd_test_case):
    def setUp(self):
        super().setUp()
        self.cert = certificates.make_certificates(self.workdir)
        self.tls_port = harness.free_port()

    def start_tls(self, *args):
        """A gantryd whose MQTT listener over TLS presents server.crt."""
        return self.start_serving("--mqttTlsPort", str(self.tls_port), "--tlsCertFile", self.cert("server.crt"),
                                  "--tlsKeyFile", self.cert("server.key"), *args)

    def publish(self, message, *tls_args):
        return clients.mosquitto_pub(self.tls_port, "tls/t", message, "-q", "1", *tls_args)

    def subscriber(self, *args):
        sub = clients.mosquitto_sub(self.tls_port, "tls/#", "-q", "1", *args)
        self.close_at_end(sub.stop)
        self.assertTrue(sub.wait_for("SUBACK"), sub.seen)
        return sub

    def tls_socket(self):
        """A TLS connection to the MQTT port that trusts the test CA and
        reports an end without close_notify as an error."""
        context = ssl.create_default_context(cafile=self.cert("ca.crt"))
        context.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF  # Python sets it: an end without close_notify would pass
        raw = socket.create_connection(("127.0.0.1", self.tls_port), timeout=WAIT)
        tls = context.wrap_socket(raw, server_hostname="127.0.0.1", suppress_ragged_eofs=False)
        self.close_at_end(tls.close)
        return tls

    def test_mqtt_clients_publish_and_subscribe_over_tls_and_plain_tcp_alike(self):
        self.start_tls()
        over_tls = self.subscriber("--cafile", self.cert("ca.crt"), "-V", "mqttv5")
        over_tcp = clients.mqtt_client(self.mqtt_port, "plain-sub")
        self.close_at_end(over_tcp.close)
        over_tcp.subscribe("tls/#")
        published = self.publish("sealed", "--cafile", self.cert("ca.crt"), "-V", "mqttv311")
        self.assertEqual(published.returncode, 0, published.stderr)
        self.assertTrue(over_tls.wait_for("sealed"), over_tls.seen)
        message = over_tcp.next_message()
        self.assertEqual((message.topic, message.payload), ("tls/t", b"sealed"))

    def test_an_untrusting_client_and_plain_mqtt_on_the_tls_port_fail_and_others_go_on(self):
        broker = self.start_tls()
        untrusting = self.publish("never", "--cafile", self.cert("other-ca.crt"))
        self.assertNotEqual(untrusting.returncode, 0)
        self.assertTrue(broker.wait_for_log("alert unknown ca", WAIT), broker.stderr())
        plain = socket.create_connection(("127.0.0.1", self.tls_port), timeout=WAIT)
        self.close_at_end(plain.close)
        plain.sendall(CONNECT_V5)
        self.assertTrue(clients.closed_within(plain, WAIT), "gantryd kept a plain MQTT connection on its TLS port")
        self.assertEqual(broker.stderr().count("TLS handshake with 127.0.0.1:"), 2, broker.stderr())
        trusting = self.publish("still served", "--cafile", self.cert("ca.crt"))
        self.assertEqual(trusting.returncode, 0, trusting.stderr)

    def test_a_malformed_packet_over_tls_gets_its_disconnect_and_a_close_notify(self):
        self.start_tls()
        tls = self.tls_socket()
        tls.sendall(CONNECT_V5)
        self.assertEqual(tls.recv(1)[0], 0x20, "expected CONNACK")
        tls.recv(4096)
        tls.sendall(PUBLISH_QOS_3)
        received = b""
        while True:
            chunk = tls.recv(4096)  # SSLEOFError if the TCP side ended without close_notify
            if not chunk:
                break
            received += chunk
        self.assertEqual(received[:1], bytes([0xE0]), "expected DISCONNECT")
        self.assertIn(0x81, received[2:3], "expected reason code 0x81 Malformed Packet")

    def test_with_tls_require_client_certificate_only_clients_with_one_from_the_ca_connect(self):
        self.start_tls("--tlsCaFile", self.cert("ca.crt"), "--tlsRequireClientCertificate", "true")
        without = self.publish("no certificate", "--cafile", self.cert("ca.crt"))
        self.assertNotEqual(without.returncode, 0)
        with_one = self.publish("with certificate", "--cafile", self.cert("ca.crt"), "--cert",
                                self.cert("client.crt"), "--key", self.cert("client.key"))
        self.assertEqual(with_one.returncode, 0, with_one.stderr)

    def test_tls_settings_that_cannot_work_stop_the_start_naming_the_keys(self):
        status, log = self.run_to_exit("--mqttTlsPort", str(self.tls_port))
        self.assertEqual(status, 2)
        self.assertIn("mqttTlsPort needs tlsCertFile and tlsKeyFile", log)
        status, log = self.run_to_exit("--mqttTlsPort", str(self.tls_port), "--tlsCertFile", self.cert("server.crt"),
                                       "--tlsKeyFile", self.cert("client.key"))
        self.assertEqual(status, 2)
        self.assertIn("does not hold the private key of the certificate", log)
        status, log = self.run_to_exit("--mqttTlsPort", str(self.tls_port), "--tlsCertFile", self.cert("server.crt"),
                                       "--tlsKeyFile", self.cert("server.key"), "--tlsRequireClientCertificate",
                                       "true")
        self.assertEqual(status, 2)
        self.assertIn("tlsRequireClientCertificate needs tlsCaFile", log)


if __name__ == "__main__":
    harness.main("usage: tls_test.py GANTRYD [unittest arguments]")
