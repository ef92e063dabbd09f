#!/usr/bin/python3
"""Request/reply over AMQP 1.0 with a temporary reply queue.

    request_reply.py serve [count]    # answers requests on queue://requests
    request_reply.py ask "some text"  # sends one request, prints the reply

The broker is amqp://127.0.0.1:5672, or the URL in GANTRY_AMQP_URL.

The asker opens a dynamic receiver: Gantry creates a temporary queue for it
(gone with the connection) and names it in the attach answer; that name goes
out as the request's reply_to, and the server sends its answer there.
Debian's python3-qpid-proton loads only under /usr/bin/python3.
"""

import os
import sys

from proton import Message
from proton.utils import BlockingConnection

URL = os.environ.get("GANTRY_AMQP_URL", "amqp://127.0.0.1:5672")
REQUESTS = "queue://requests"


def serve(count=None):
    conn = BlockingConnection(URL)
    requests = conn.create_receiver(REQUESTS)
    replies = conn.create_sender(None)  # the anonymous relay: each reply goes to its `to`
    answered = 0
    while count is None or answered < count:
        request = requests.receive()
        replies.send(Message(address=request.reply_to, correlation_id=request.id, body=request.body.upper()))
        requests.accept()
        answered += 1
    conn.close()


def ask(text, timeout=10):
    conn = BlockingConnection(URL, timeout=timeout)
    replies = conn.create_receiver(None, dynamic=True)
    reply_to = replies.remote_source.address
    conn.create_sender(REQUESTS).send(Message(id="request-1", reply_to=reply_to, body=text))
    reply = replies.receive(timeout=timeout)
    replies.accept()
    conn.close()
    return reply.body


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]) if len(sys.argv) > 2 else None)
    elif len(sys.argv) == 3 and sys.argv[1] == "ask":
        print(ask(sys.argv[2]))
    else:
        sys.exit(__doc__)
