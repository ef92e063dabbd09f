#!/usr/bin/python3
"""A queue worker: takes the jobs of a STOMP queue that match a JMS selector,
acknowledging each one (client-individual) once it is processed. Run several
and they share the jobs; a job that is not acknowledged when a worker goes
away is delivered to another. Needs Debian's python3-stomp (/usr/bin/python3).

    examples/stomp/queue_worker.py [--host 127.0.0.1] [--port 61613]
        [--queue /queue/jobs] [--selector "priority_class = 'high'"]
        [--produce N] [--count N] [--seconds 10] [--work 0.1]

--produce N first sends N jobs, alternately priority_class 'high' and
'low', so the worker has something to select from. It stops after --count
jobs, or after --seconds.
"""

import argparse
import queue
import sys
import time

import stomp


class Listener(stomp.ConnectionListener):
    """Hands the MESSAGE frames to the main thread, and None for an ERROR."""

    def __init__(self):
        self.messages = queue.Queue()

    def on_message(self, frame):
        self.messages.put(frame)

    def on_error(self, frame):
        # The broker closes the connection after an ERROR (a bad selector, say).
        print("ERROR from the broker: %s %s" % (frame.headers.get("message"), frame.body), file=sys.stderr, flush=True)
        self.messages.put(None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=61613)
    parser.add_argument("--queue", default="/queue/jobs")
    parser.add_argument("--selector", default="priority_class = 'high'", help="JMS selector ('' for every job)")
    parser.add_argument("--produce", type=int, default=0, help="send N jobs first")
    parser.add_argument("--count", type=int, default=0, help="stop after N jobs (0: no limit)")
    parser.add_argument("--seconds", type=float, default=10, help="stop after this long")
    parser.add_argument("--work", type=float, default=0.1, help="seconds of 'processing' per job")
    args = parser.parse_args()

    conn = stomp.Connection12([(args.host, args.port)])
    listener = Listener()
    conn.set_listener("worker", listener)
    conn.connect(wait=True)

    for i in range(1, args.produce + 1):
        priority_class = "high" if i % 2 else "low"
        conn.send(args.queue, "job %d" % i, content_type="text/plain",
                  headers={"priority_class": priority_class, "persistent": "true"})
    if args.produce:
        print("sent %d jobs to %s" % (args.produce, args.queue), flush=True)

    headers = {"selector": args.selector} if args.selector else {}
    conn.subscribe(args.queue, id="jobs", ack="client-individual", headers=headers)

    done = 0
    deadline = time.monotonic() + args.seconds
    while not args.count or done < args.count:
        try:
            frame = listener.messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if frame is None:
            sys.exit(1)
        print("processing %r (priority_class=%s, message-id %s)"
              % (frame.body, frame.headers.get("priority_class"), frame.headers["message-id"]), flush=True)
        time.sleep(args.work)
        conn.ack(frame.headers["ack"])  # STOMP 1.2: ACK names the MESSAGE's ack header
        done += 1

    print("processed %d jobs" % done, flush=True)
    conn.disconnect(receipt="bye")  # waits for the broker's RECEIPT, then closes


if __name__ == "__main__":
    main()
