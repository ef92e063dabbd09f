"""Runs the real gantryd binary for integration tests: each instance in a
temporary working directory, on free loopback ports, with stderr captured;
every wait is bounded and only the processes started here are killed."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

GANTRYD = None  # set by each test script from its command line
START_TIMEOUT = 20.0  # seconds until "started" appears in the log
EXIT_TIMEOUT = 15.0  # seconds gantryd may take to exit

# Store settings every test gantryd starts with (its own arguments come later
# and win). With the defaults each gantryd preallocates about 1.5 GiB (a
# 1 GiB commit-log segment, a 400 MiB index file, 6 MB per consume queue),
# and the disk-usage ratios count the whole filesystem: on a host that is
# already fairly full, a few gantryds side by side crossed
# diskSpaceWarningLevelRatio, and every gantryd started after that refused
# appends. Small files keep a test's footprint near 100 MiB and still roll
# segments; the ratios at their maximum leave the host's other data out of
# the tests (retention and disk-full are unit-tested with a fake probe).
SMALL_STORE = ("--mappedFileSizeCommitLog", "67108864", "--mappedFileSizeConsumeQueue", "600000",
               "--maxHashSlotNum", "50000", "--maxIndexNum", "200000",
               "--diskMaxUsedSpaceRatio", "95", "--diskSpaceCleanForciblyRatio", "95",
               "--diskSpaceWarningLevelRatio", "95")


class gantryd_process:
    """One gantryd started by a test, with stderr captured to a file."""

    def __init__(self, workdir, args=(), name="gantryd", program=None):
        self.stderr_path = os.path.join(workdir, name + ".stderr")
        self._stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            [program or GANTRYD, *args],
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )

    def stderr(self):
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_for_log(self, text, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.stderr():
                return True
            if self.process.poll() is not None:
                return text in self.stderr()
            time.sleep(0.05)
        return False

    def wait_until_serving(self, timeout=START_TIMEOUT):
        """True once gantryd logged that it started: its listeners accept.
        (The store logs "started on ..." earlier, before any listener.)"""
        return self.wait_for_log(" started in ", timeout)

    def wait(self, timeout=EXIT_TIMEOUT):
        """The exit status, or None if gantryd is still running at the deadline."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._stderr.close()


# start()'s options that name a port instead of letting the harness choose.
PORT_OPTIONS = ("port", "mqtt_port", "stomp_port", "amqp_port", "websocket_port")


def free_port():
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def other_free_port(taken):
    """A free port not in `taken`: bind(0) may hand out the same port twice."""
    port = free_port()
    while port in taken:
        port = free_port()
    return port


class gantryd_test_case(unittest.TestCase):
    """Starts gantryd instances in a temporary directory and stops them.

    Everything is undone with unittest's cleanups, which run even when setUp
    fails, last registered first: clients close (close_at_end), then the
    processes stop, then the directory goes."""

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="gantryd-test-")
        self.addCleanup(shutil.rmtree, self.workdir, ignore_errors=True)

    def close_at_end(self, close):
        """Calls `close` when the test ends, before whatever was registered
        earlier (so a client closes before the broker it talks to stops),
        ignoring its exceptions: a client that cannot close cleanly, often
        because the test cut its connection, must not hide the test's result."""
        def close_quietly():
            try:
                close()
            except Exception:
                pass
        self.addCleanup(close_quietly)

    def start(self, *args, name="gantryd", port=None, program=None, mqtt_port=None, stomp_port=None,
              amqp_port=None, websocket_port=None):
        """A gantryd (or `program`, which takes the same listen options)
        listening on 127.0.0.1 and a free port (or `port`); gantryd's MQTT,
        STOMP, AMQP and WebSocket listeners get free ports too (or `mqtt_port`,
        `stomp_port`, `amqp_port`, `websocket_port`), never 1883, 61613, 5672
        or 8080."""
        self.port = port or free_port()
        listen = ("--listenHost", "127.0.0.1", "--listenPort", str(self.port))
        if program is None:
            taken = {self.port}
            self.mqtt_port = mqtt_port or other_free_port(taken)
            taken.add(self.mqtt_port)
            self.stomp_port = stomp_port or other_free_port(taken)
            taken.add(self.stomp_port)
            self.amqp_port = amqp_port or other_free_port(taken)
            taken.add(self.amqp_port)
            self.websocket_port = websocket_port or other_free_port(taken)
            listen += ("--mqttPort", str(self.mqtt_port), "--stompPort", str(self.stomp_port),
                       "--amqpPort", str(self.amqp_port), "--websocketPort", str(self.websocket_port),
                       *SMALL_STORE)
        p = gantryd_process(self.workdir, (*listen, *args), name, program)
        self.addCleanup(p.stop)
        return p

    def start_serving(self, *args, **options):
        """start(), then waits until gantryd (or `program`) serves; fails the
        test with its log if it does not. Ports the harness chose itself are
        chosen again (twice at most) when another process took one between
        the choice and gantryd's bind: a parallel test's client may get it
        as its own ephemeral port."""
        chosen_here = not any(options.get(k) for k in PORT_OPTIONS)
        for _ in range(3):
            p = self.start(*args, **options)
            if p.wait_until_serving():
                return p
            if not chosen_here or "address already in use" not in p.stderr():
                break
            p.stop()
        self.fail("%s did not start:\n%s" % (options.get("name", "gantryd"), p.stderr()))

    def run_to_exit(self, *args):
        """Runs a gantryd that is expected to stop on its own."""
        p = self.start(*args)
        status = p.wait()
        self.assertIsNotNone(status, "gantryd still running after %ss:\n%s" % (EXIT_TIMEOUT, p.stderr()))
        return status, p.stderr()


def sibling_program(name):
    """Another executable of the build: they all live in gantryd's bin/."""
    return os.path.join(os.path.dirname(GANTRYD), name)


def main(usage):
    """Runs the calling script's tests: `<script> GANTRYD [unittest arguments]`,
    or prints `usage` without a program to test."""
    global GANTRYD
    if len(sys.argv) < 2:
        sys.exit(usage)
    GANTRYD = os.path.abspath(sys.argv[1])
    unittest.main(module="__main__", argv=[sys.argv[0], *sys.argv[2:]], verbosity=2)
