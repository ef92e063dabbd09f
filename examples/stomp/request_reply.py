#!/usr/bin/python3
"""Request/reply over STOMP: the responder serves a queue, the requester sends
each request with a reply-to of its own temporary queue and a correlation-id,
and matches the replies by that id. The broker rewrites /temp-queue/... in
reply-to to a queue name the responder can send to. Needs Debian's
python3-stomp (/usr/bin/python3).

    examples/stomp/request_reply.py responder [--host 127.0.0.1] [--port 61613]
        [--queue /queue/requests] [--count N] [--seconds 30]
    examples/stomp/request_reply.py requester [--host 127.0.0.1] [--port 61613]
        [--queue /queue/requests] [--count 3] [--seconds 10]

The responder answers each request with the request's body in upper case,
and stops after --count requests or --seconds. The requester sends --count
requests, one at a time, waiting at most --seconds in all for the replies.
"""

import argparse
import queue
import sys
import time
import uuid

import stomp


class Listener(stomp.ConnectionListener):
    """Hands the MESSAGE frames to the main thread; prints ERROR frames."""

    def __init__(self):
        self.messages = queue.Queue()

    def on_message(self, frame):
        self.messages.put(frame)

    def on_error(self, frame):
        print("ERROR from the broker: %s %s" % (frame.headers.get("message"), frame.body), file=sys.stderr, flush=True)


def next_message(listener, deadline):
    try:
        return listener.messages.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        return None


def responder(conn, listener, args, deadline):
    conn.subscribe(args.queue, id="requests", ack="auto")
    print("serving %s" % args.queue, flush=True)
    served = 0
    while not args.count or served < args.count:
        request = next_message(listener, deadline)
        if request is None:
            break
        reply_to = request.headers.get("reply-to")
        if not reply_to:
            print("ignoring a request without reply-to: %r" % request.body, flush=True)
            continue
        conn.send(reply_to, request.body.upper(), content_type="text/plain",
                  headers={"correlation-id": request.headers.get("correlation-id", "")})
        print("replied to %s (correlation-id %s): %r"
              % (reply_to, request.headers.get("correlation-id"), request.body.upper()), flush=True)
        served += 1
    print("served %d requests" % served, flush=True)


def requester(conn, listener, args, deadline):
    # Only this connection can subscribe to its temporary queue; subscribe
    # before sending the first request so no reply can come too early.
    conn.subscribe("/temp-queue/replies", id="replies", ack="auto")
    answered = 0
    for i in range(1, args.count + 1):
        correlation_id = str(uuid.uuid4())
        body = "hello %d" % i
        conn.send(args.queue, body, content_type="text/plain",
                  headers={"reply-to": "/temp-queue/replies", "correlation-id": correlation_id})
        print("request %r (correlation-id %s)" % (body, correlation_id), flush=True)
        while True:
            reply = next_message(listener, deadline)
            if reply is None:
                print("no reply in time", flush=True)
                return
            if reply.headers.get("correlation-id") == correlation_id:
                break
            print("ignoring a reply to another request: %r" % reply.body, flush=True)
        print("reply %r" % reply.body, flush=True)
        answered += 1
    print("%d of %d requests answered" % (answered, args.count), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", choices=["responder", "requester"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=61613)
    parser.add_argument("--queue", default="/queue/requests")
    parser.add_argument("--count", type=int, help="requests to send or serve (requester: 3, responder: no limit)")
    parser.add_argument("--seconds", type=float, help="stop after this long (requester: 10, responder: 30)")
    args = parser.parse_args()
    if args.count is None:
        args.count = 3 if args.role == "requester" else 0
    if args.seconds is None:
        args.seconds = 10 if args.role == "requester" else 30

    conn = stomp.Connection12([(args.host, args.port)])
    listener = Listener()
    conn.set_listener(args.role, listener)
    conn.connect(wait=True)
    deadline = time.monotonic() + args.seconds
    (responder if args.role == "responder" else requester)(conn, listener, args, deadline)
    conn.disconnect(receipt="bye")


if __name__ == "__main__":
    main()
