"""Debian's RabbitMQ 3.10 as a private node for the AMQP 1.0 bridge tests:
its own node name, loopback ports, data, logs and epmd, under the test's
folder, with the rabbitmq_amqp1_0 plugin only (so no management listener).

The recipe is bench/amqp_bench.sh's start_rabbitmq. The node runs from
/usr/lib/rabbitmq/bin/rabbitmq-server (the real script: /usr/sbin's wrapper
su's to user rabbitmq) in a session of its own; the epmd it registers with
is started here, on a private port. Every process (the script, beam.smp,
erl_child_setup, inet_gethost, epmd) is stopped by its PID, never by name."""

import os
import signal
import socket
import subprocess
import time

import gantryd_harness as harness

RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
START_TIMEOUT = 90.0  # seconds until "Server startup complete" appears in the node's log
STOP_TIMEOUT = 30.0  # seconds a node may take to shut down cleanly before it is killed


def debian_service_pids():
    """PIDs of Debian's own RabbitMQ, which runs as user rabbitmq. An epmd of
    that user alone (as /usr/sbin/rabbitmqctl leaves one) does not count: the
    nodes here use their own."""
    def pgrep(*args):
        found = subprocess.run(["pgrep", "-u", "rabbitmq", *args], capture_output=True, text=True)
        return found.stdout.split() if found.returncode == 0 else []
    epmd = pgrep("-x", "epmd")
    return [pid for pid in pgrep() if pid not in epmd]


class rabbitmq_broker:
    """A RabbitMQ node on 127.0.0.1:`port` (AMQP 0-9-1 and 1.0 on the same
    port), with its files in workdir/`name`. start() boots it and waits until
    it serves; kill() SIGKILLs it mid-stream and start() boots it again on the
    same port and data, so durable queues and persistent messages survive;
    stop() ends it and its epmd, and may be called any number of times."""

    def __init__(self, workdir, port, name="rabbitmq"):
        if not os.access(RABBITMQ_SERVER, os.X_OK):
            raise RuntimeError("RabbitMQ is not installed (%s missing): run scripts/install-deps" % RABBITMQ_SERVER)
        pids = debian_service_pids()
        if pids:
            raise RuntimeError("Debian's RabbitMQ service runs as user rabbitmq (PIDs %s): stop it (kill <pid>, "
                               "then 'systemctl disable --now rabbitmq-server' or 'update-rc.d rabbitmq-server "
                               "disable') and run the tests again" % " ".join(pids))
        self.port = port
        self.url = "amqp://127.0.0.1:%d" % port
        self.dir = os.path.join(workdir, name)
        # Unique per test instance (the port is), the same across restarts:
        # the node's data lives in mnesia/<node name>.
        self.node = "%s-%d-%d@localhost" % (name, os.getpid(), port)
        self.log = os.path.join(self.dir, "log", self.node + ".log")
        self.output = os.path.join(self.dir, "rabbitmq-server.out")  # the script's and the VM's stdout and stderr
        self.epmd_port = harness.other_free_port({port})
        for folder in ("home", "mnesia", "log"):
            os.makedirs(os.path.join(self.dir, folder), exist_ok=True)
        with open(os.path.join(self.dir, "enabled_plugins"), "w") as f:
            f.write("[rabbitmq_amqp1_0].\n")
        with open(os.path.join(self.dir, "rabbitmq.conf"), "w") as f:
            f.write("log.console = false\nlog.file.level = info\n")
        with open(os.path.join(self.dir, "rabbitmq-env.conf"), "w"):
            pass  # instead of /etc/rabbitmq/rabbitmq-env.conf
        self.process = None
        self._pids = {}  # {pid: start time} of the processes the node started
        self._sessions = set()  # the sessions they lead
        self.epmd = None

    def _environment(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        env.update({
            "HOME": os.path.join(self.dir, "home"),  # its .erlang.cookie
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            # A fresh distribution port each start: the last one may still be held.
            "RABBITMQ_DIST_PORT": str(harness.other_free_port({self.port, self.epmd_port})),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_MNESIA_BASE": os.path.join(self.dir, "mnesia"),
            "RABBITMQ_LOG_BASE": os.path.join(self.dir, "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(self.dir, "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": os.path.join(self.dir, "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": os.path.join(self.dir, "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": os.path.join(self.dir, "rabbitmq-env.conf"),
        })
        return env

    def _start_epmd(self):
        """Our own epmd on the private port, in the foreground so that its PID
        is ours; the node registers with it instead of starting one."""
        if self.epmd and self.epmd.poll() is None:
            return
        self.epmd = subprocess.Popen(["epmd", "-port", str(self.epmd_port), "-address", "127.0.0.1"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.epmd.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.epmd_port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        self._stop_epmd()
        raise RuntimeError("epmd did not start on port %d" % self.epmd_port)

    def start(self):
        """Boots the node (again, after kill() or stop(), on the same port and
        data) and waits until it serves; else stops it and raises with the
        end of its log."""
        if self.running():
            raise RuntimeError("RabbitMQ node %s already runs" % self.node)
        self._start_epmd()
        offset = os.path.getsize(self.log) if os.path.exists(self.log) else 0  # an earlier start's lines
        with open(self.output, "ab") as out:
            self.process = subprocess.Popen([RABBITMQ_SERVER], cwd=self.dir, env=self._environment(),
                                            stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                            start_new_session=True)
        self._pids = {self.process.pid: self._processes()[self.process.pid][3]}
        self._sessions = {self.process.pid}
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.running():
            self._tree()  # each process as it appears: if the VM dies, its orphans are still known
            if "Server startup complete" in self._read(self.log, offset):
                return
            time.sleep(0.1)
        why = "not within %d s" % START_TIMEOUT if self.running() else "it exited"
        self.stop(kill=True)
        raise RuntimeError("RabbitMQ node %s did not start on port %d (%s):\n%s\n%s" % (
            self.node, self.port, why, self._read(self.output)[-2000:], self._read(self.log, offset)[-3000:]))

    def rabbitmqctl(self, *args, timeout=60):
        """rabbitmqctl's output for this node, e.g. ("list_queues", "name",
        "durable", "messages") or ("set_policy", ...); raises if it fails."""
        done = subprocess.run(["/usr/lib/rabbitmq/bin/rabbitmqctl", "-q", "-n", self.node, *args],
                              env=self._environment(), stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError("rabbitmqctl %s failed (%d): %s%s" % (" ".join(args), done.returncode, done.stdout,
                                                                     done.stderr))
        return done.stdout

    @staticmethod
    def _read(path, offset=0):
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def running(self):
        """True while the node's script runs (left unreaped for stop())."""
        return self.process is not None and self.process.returncode is None and not self._exited(0)

    def _exited(self, timeout):
        """True once the script has exited, within `timeout` seconds, leaving
        it unreaped (its PID, the session's ID, stays ours)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                    return True
            except ChildProcessError:
                return True  # already reaped
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    @staticmethod
    def _processes():
        """{pid: (state, ppid, session id, start time)} of every process."""
        table = {}
        for entry in os.listdir("/proc"):
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()  # after "pid (comm)"
                table[int(entry)] = (fields[0], int(fields[1]), int(fields[3]), int(fields[19]))
            except (OSError, ValueError, IndexError):
                continue
        return table

    def _tree(self):
        """The live processes the node started. erl_child_setup and
        inet_gethost each call setsid(), so one process group does not hold
        them: they are the script's descendants, or members of a session one
        of them leads (once orphaned, their parent is init)."""
        table = self._processes()
        def ours(pid):  # the same process, not a later one with its PID
            return pid in table and self._pids.get(pid) == table[pid][3]
        found = True
        while found:
            found = False
            for pid, (state, ppid, sid, started) in table.items():
                if not ours(pid) and (ours(ppid) or sid in self._sessions):
                    self._pids[pid] = started
                    if sid == pid:
                        self._sessions.add(sid)
                    found = True
        return [pid for pid in self._pids if ours(pid) and table[pid][0] != "Z" and pid != self.process.pid]

    def _end(self, graceful, settle):
        if self.process is None:
            return
        if self.process.returncode is None:
            self._tree()  # all of it, while each still has its parent
            if graceful:
                # The script traps SIGTERM and stops the VM with it: a clean shutdown.
                os.kill(self.process.pid, signal.SIGTERM)
                self._exited(STOP_TIMEOUT)
            # Whatever is left, until each is gone (SIGKILL takes effect
            # asynchronously), so that the port and the data are free for the
            # next start(). The script stays unreaped meanwhile, so no PID of
            # the set can be reused.
            deadline = time.monotonic() + STOP_TIMEOUT
            left = [self.process.pid] + self._tree()
            while left and time.monotonic() < deadline:
                for pid in left:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                time.sleep(0.02)
                left = self._tree()
            self.process.wait()
            # Orphans are init's to reap: after stop(), a moment until ps
            # shows none of them; kill() has no time to lose.
            deadline = time.monotonic() + (2 if settle else 0)
            while time.monotonic() < deadline and any(
                    self._pids[pid] == row[3] for pid, row in self._processes().items() if pid in self._pids):
                time.sleep(0.05)
        self.process = None

    def kill(self):
        """SIGKILLs the node and its process tree at once, as a crash would;
        its epmd stays for the next start()."""
        self._end(graceful=False, settle=False)

    def _stop_epmd(self):
        if self.epmd is not None:
            if self.epmd.poll() is None:
                self.epmd.kill()
            self.epmd.wait()
            self.epmd = None

    def stop(self, kill=False):
        """Stops the node (cleanly unless `kill`) and its epmd; nothing it
        started is left. Idempotent: fit for addCleanup."""
        try:
            self._end(graceful=not kill, settle=True)
        finally:
            self._stop_epmd()
