#!/usr/bin/python3
"""A worker in an MQTT shared subscription: run several and each telemetry
reading goes to exactly one of them; stop one and the others take over what
it had not acknowledged. Needs Debian's python3-paho-mqtt (/usr/bin/python3).

    examples/mqtt/worker.py [--host 127.0.0.1] [--port 1883] [--group workers]
"""

import argparse
import os

import paho.mqtt.client as mqtt


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--group", default="workers")
    args = parser.parse_args()

    client = mqtt.Client(client_id="worker-%d" % os.getpid(), protocol=mqtt.MQTTv5)
    client.on_connect = lambda c, u, flags, rc, props=None: c.subscribe(
        "$share/%s/devices/+/telemetry" % args.group, qos=1)
    client.on_message = lambda c, u, msg: print("%s: %s" % (msg.topic, msg.payload.decode(errors="replace")),
                                                flush=True)
    client.connect(args.host, args.port, keepalive=30)
    try:
        client.loop_forever()
    except KeyboardInterrupt:
        client.disconnect()


if __name__ == "__main__":
    main()
