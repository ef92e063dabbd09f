#!/usr/bin/python3
"""A transacted sender: sends a batch of messages inside a STOMP transaction
and commits it, so consumers see all of them or none; --abort throws the
batch away instead. The COMMIT (or ABORT) asks for a receipt, and the program
waits for it. Needs Debian's python3-stomp (/usr/bin/python3).

    examples/stomp/transacted_sender.py [--host 127.0.0.1] [--port 61613]
        [--destination /queue/orders] [--count 5] [--pause 0] [--abort]

--pause N waits N seconds between the last SEND and the COMMIT: a consumer
started meanwhile receives nothing until the commit.
"""

import argparse
import sys
import threading
import time

import stomp


class Listener(stomp.ConnectionListener):
    """Remembers receipts and ERROR frames, for the main thread to wait on."""

    def __init__(self):
        self.done = threading.Condition()
        self.receipts = set()
        self.error = None

    def on_receipt(self, frame):
        with self.done:
            self.receipts.add(frame.headers["receipt-id"])
            self.done.notify_all()

    def on_error(self, frame):
        with self.done:
            self.error = "%s %s" % (frame.headers.get("message"), frame.body)
            self.done.notify_all()

    def wait(self, receipt, timeout=10):
        with self.done:
            self.done.wait_for(lambda: receipt in self.receipts or self.error, timeout)
            if self.error:
                sys.exit("ERROR from the broker: " + self.error)
            if receipt not in self.receipts:
                sys.exit("no receipt %r within %s s" % (receipt, timeout))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=61613)
    parser.add_argument("--destination", default="/queue/orders", help="a /queue/... or /topic/...")
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0, help="seconds to wait before COMMIT/ABORT")
    parser.add_argument("--abort", action="store_true", help="ABORT instead of COMMIT")
    args = parser.parse_args()

    conn = stomp.Connection12([(args.host, args.port)])
    listener = Listener()
    conn.set_listener("sender", listener)
    conn.connect(wait=True)

    tx = conn.begin()  # a fresh transaction id
    batch = "batch-%d" % int(time.time())
    for i in range(1, args.count + 1):
        conn.send(args.destination, "order %d of %s" % (i, batch), content_type="text/plain",
                  headers={"transaction": tx, "persistent": "true", "batch": batch, "seq": str(i)})
    print("sent %d messages to %s in transaction %s" % (args.count, args.destination, tx), flush=True)
    if args.pause:
        print("waiting %g s before %s" % (args.pause, "ABORT" if args.abort else "COMMIT"), flush=True)
        time.sleep(args.pause)

    if args.abort:
        conn.abort(tx, headers={"receipt": "abort-" + tx})
        listener.wait("abort-" + tx)
        print("aborted: nothing was delivered", flush=True)
    else:
        conn.commit(tx, headers={"receipt": "commit-" + tx})
        listener.wait("commit-" + tx)
        print("committed (receipt commit-%s)" % tx, flush=True)

    conn.disconnect(receipt="bye")


if __name__ == "__main__":
    main()
