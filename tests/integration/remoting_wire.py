"""A RocketMQ remoting client for integration tests, written by hand from the
specification (JSON headers), independently of Gantry's own codec."""

import json
import socket
import struct

WAIT = 10.0  # seconds any single read may take


class remoting_client:
    """A blocking client on one connection; every wait is bounded."""

    def __init__(self, port, timeout=WAIT):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.opaque = 0
        self.last_was_json = True

    def close(self):
        self.sock.close()

    def request(self, code, ext, body=b"", language="JAVA"):
        """Sends a request and returns the (header, body) of its response."""
        self.opaque += 1
        header = json.dumps({"code": code, "language": language, "version": 409, "opaque": self.opaque,
                             "flag": 0, "extFields": ext}, separators=(",", ":")).encode()
        self.sock.sendall(struct.pack(">ii", 4 + len(header) + len(body), len(header)) + header + body)
        header, body = self.response()
        assert header["opaque"] == self.opaque, header
        return header, body

    def response(self):
        """The next frame: its JSON header as a dict, and its body."""
        length = struct.unpack(">i", self.read(4))[0]
        frame = self.read(length)
        word = struct.unpack(">i", frame[:4])[0]
        self.last_was_json = (word >> 24) == 0
        header_length = word & 0xFFFFFF
        return json.loads(frame[4:4 + header_length]), frame[4 + header_length:]

    def read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("connection closed after %d of %d bytes" % (len(data), n))
            data += chunk
        return data
