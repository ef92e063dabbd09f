#!/usr/bin/python3
"""A durable topic subscriber: connects with a client-id and subscribes with
a subscription name, so the broker keeps the topic's messages for it while it
is away (even across a broker restart) and delivers them when it comes back.
--unsubscribe removes the durable subscription instead. Needs Debian's
python3-stomp (/usr/bin/python3).

    examples/stomp/durable_subscriber.py [--host 127.0.0.1] [--port 61613]
        [--topic /topic/news] [--client-id news-reader] [--name news]
        [--count N] [--seconds 5] [--unsubscribe]

It stops after --count messages, or after --seconds.
"""

import argparse
import queue
import sys
import time

import stomp


class Listener(stomp.ConnectionListener):
    """Hands MESSAGE and RECEIPT frames to the main thread; prints ERROR frames."""

    def __init__(self):
        self.messages = queue.Queue()
        self.receipts = queue.Queue()

    def on_message(self, frame):
        self.messages.put(frame)

    def on_receipt(self, frame):
        self.receipts.put(frame.headers["receipt-id"])

    def on_error(self, frame):
        print("ERROR from the broker: %s %s" % (frame.headers.get("message"), frame.body), file=sys.stderr, flush=True)
        self.receipts.put(None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=61613)
    parser.add_argument("--topic", default="/topic/news")
    parser.add_argument("--client-id", default="news-reader")
    parser.add_argument("--name", default="news", help="the durable subscription's name")
    parser.add_argument("--count", type=int, default=0, help="stop after N messages (0: no limit)")
    parser.add_argument("--seconds", type=float, default=5, help="stop after this long")
    parser.add_argument("--unsubscribe", action="store_true", help="remove the durable subscription and exit")
    args = parser.parse_args()

    conn = stomp.Connection12([(args.host, args.port)])
    listener = Listener()
    conn.set_listener("subscriber", listener)
    # The durable subscription is named by the pair (client-id, subscription name).
    conn.connect(wait=True, headers={"client-id": args.client_id})
    durable = {"activemq.subscriptionName": args.name}

    if args.unsubscribe:
        conn.unsubscribe(id=args.name, headers=dict(durable, receipt="unsubscribed"))
        if listener.receipts.get(timeout=10) == "unsubscribed":
            print("removed durable subscription %r of client %r" % (args.name, args.client_id), flush=True)
        conn.disconnect(receipt="bye")
        return

    conn.subscribe(args.topic, id=args.name, ack="client", headers=dict(durable, receipt="subscribed"))
    if listener.receipts.get(timeout=10) != "subscribed":
        conn.disconnect(receipt="bye")
        sys.exit(1)
    print("subscribed to %s as %r of client %r" % (args.topic, args.name, args.client_id), flush=True)

    received = 0
    last = None
    deadline = time.monotonic() + args.seconds
    while not args.count or received < args.count:
        try:
            frame = listener.messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        print("%s: %s" % (frame.headers["destination"], frame.body), flush=True)
        received += 1
        last = frame
    if last is not None:
        conn.ack(last.headers["ack"])  # ack mode client: acknowledges this one and all before it

    print("received %d messages" % received, flush=True)
    # Disconnecting (without UNSUBSCRIBE) keeps the durable subscription.
    conn.disconnect(receipt="bye")


if __name__ == "__main__":
    main()
