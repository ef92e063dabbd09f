"""The Python side of tests/browser/drive_page.js: one page in Debian's
headless Chromium, driven with playwright-core by a node process this object
starts, one JSON command a line. Every answer is awaited for a bounded time,
and stop() ends that node process and the browser it started, by PID."""

import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "..", "browser", "drive_page.js")
NODE_MODULES = os.path.join(HERE, "..", "clients", "node", "node_modules")
CHROMIUM = "/usr/bin/chromium"  # Debian's chromium package; drive_page.js names it too
STEP_TIMEOUT = 10.0  # seconds one command may take in the browser
START_TIMEOUT = 20.0  # seconds for Chromium to start, and again to load the page
STOP_TIMEOUT = 10.0  # seconds node may take to close the browser and exit
KILL_TIMEOUT = 5.0  # seconds node may take to kill Chromium and exit on SIGTERM


def missing_tools():
    """What scripts/install-deps installs and these tests need, if missing."""
    missing = [] if shutil.which("node") else ["node"]
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(CHROMIUM)
    if not os.path.isdir(os.path.join(NODE_MODULES, "playwright-core")):
        missing.append(os.path.join(NODE_MODULES, "playwright-core"))
    return missing


class browser_page:
    def __init__(self, url, workdir):
        # Chromium's profile lives in the test's directory, which the harness removes.
        self.user_data_dir = tempfile.mkdtemp(prefix="chromium-", dir=workdir)
        self.stderr_path = self.user_data_dir + ".stderr"
        self._stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            ["node", DRIVER, url, self.user_data_dir, str(int(START_TIMEOUT * 1000)), str(int(STEP_TIMEOUT * 1000))],
            # TMPDIR: what playwright-core and Chromium leave there if killed goes with the test's directory.
            env=dict(os.environ, NODE_PATH=NODE_MODULES, TMPDIR=workdir), cwd=workdir,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr)
        self.answers = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.first_command = True

    def _read(self):
        for line in self.process.stdout:
            self.answers.put(json.loads(line))
        self.answers.put(None)

    def stderr(self):
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def do(self, command, **arguments):
        """The value of one command; AssertionError with what the page shows if it failed."""
        try:
            self.process.stdin.write((json.dumps({"do": command, **arguments}) + "\n").encode())
            self.process.stdin.flush()
        except BrokenPipeError:
            raise AssertionError("the browser driver ended:\n" + self.stderr())
        timeout = STEP_TIMEOUT + 5 + (2 * START_TIMEOUT if self.first_command else 0)
        self.first_command = False
        try:
            answer = self.answers.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no answer to %s %s after %ss" % (command, arguments, timeout))
        if answer is None:
            raise AssertionError("the browser driver ended:\n" + self.stderr())
        if not answer["ok"]:
            raise AssertionError("%s %s: %s" % (command, arguments, answer["error"]))
        return answer["value"]

    def fill(self, selector, value):
        self.do("fill", selector=selector, value=value)

    def select(self, selector, value):
        self.do("select", selector=selector, value=value)

    def set_checked(self, selector, checked):
        self.do("set_checked", selector=selector, value=checked)

    def click(self, selector):
        self.do("click", selector=selector)

    def wait_for(self, selector, text):
        self.do("wait_for", selector=selector, text=text)

    def items(self, selector):
        return self.do("items", selector=selector)

    def problems(self):
        return self.do("problems")

    def stop(self):
        """Ends node at the end of its input, and node closes Chromium. Past a
        deadline node gets SIGTERM, on which playwright-core kills Chromium
        before exiting, and then SIGKILL."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            try:
                self.process.wait(timeout=KILL_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=2)
        self.process.stdout.close()
        self._stderr.close()
