'use strict';
// An unmodified third-party RocketMQ 4.x client (npm's ali-ons, a pure
// JavaScript client) against a running gantryd used as its name server.
//
// Usage: node native_client_test.js PORT TOPIC
// (the topic must already exist: the JavaScript client does not fall back to
// TBW102). Sends MESSAGES messages with a tag and keys, consumes them with a
// subscription to that tag, checks every body arrives once, closes both.
// Exit 0 = pass; otherwise a message on stderr and a non-zero exit status.

const { Producer, Consumer, Message } = require('ali-ons');

const MESSAGES = 20;
const TAG = 'TagNative';
const OVERALL_TIMEOUT_MS = 30000;

const port = Number(process.argv[2]);
const topic = process.argv[3];
if (!port || !topic) {
  console.error('usage: node native_client_test.js PORT TOPIC');
  process.exit(2);
}

// The client's own log, kept and printed only when the test fails.
const lines = [];
const record = level => (...args) => {
  lines.push(`${new Date().toISOString()} ${level} ${args.map(a => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
};
const logger = { debug: record('DEBUG'), info: record('INFO'), warn: record('WARN'), error: record('ERROR') };

function fail(message) {
  console.error(lines.slice(-200).join('\n'));
  console.error(`native_client_test: FAIL: ${message}`);
  process.exit(1);
}

const overall = setTimeout(() => fail(`not finished after ${OVERALL_TIMEOUT_MS} ms`), OVERALL_TIMEOUT_MS);

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

const common = {
  nameSrv: `127.0.0.1:${port}`,
  // Only used to fetch a name-server list from options.onsAddr, which is never
  // consulted when nameSrv is given; the client insists on having one.
  httpclient: { request() { throw new Error('httpclient must not be used with nameSrv'); } },
  accessKeyId: 'dummy-access-key',
  accessKeySecret: 'dummy-secret-key',
  clientIP: '127.0.0.1',
  logger,
  heartbeatBrokerInterval: 2000,
  rebalanceInterval: 1000,
  persistConsumerOffsetInterval: 1000,
};

async function main() {
  const expected = new Set();
  for (let i = 0; i < MESSAGES; i++) expected.add(`native message ${i}`);
  const received = new Map();
  let allReceived;
  const allArrived = new Promise(resolve => { allReceived = resolve; });

  const consumer = new Consumer({
    ...common,
    consumerGroup: 'GID_native_client_test',
    // The client's default, CONSUME_FROM_LAST_OFFSET: a new group on a young
    // queue still starts at offset 0 (the broker's QUERY_CONSUMER_OFFSET rule),
    // so messages sent before the consumer first started are not missed.
    isBroadcast: false,
  });
  consumer.on('error', err => logger.error('consumer error', err && err.stack));
  consumer.subscribe(topic, TAG, async msg => {
    const body = msg.body.toString();
    if (msg.tags !== TAG) fail(`message with tag ${JSON.stringify(msg.tags)} reached a ${TAG} subscription: ${body}`);
    received.set(body, (received.get(body) || 0) + 1);
    if ([...expected].every(b => received.has(b))) allReceived();
  });
  await withTimeout(consumer.ready(), 10000, 'consumer start');

  const producer = new Producer({ ...common, producerGroup: 'GID_native_client_test_producer' });
  producer.on('error', err => logger.error('producer error', err && err.stack));
  await withTimeout(producer.ready(), 10000, 'producer start');

  for (let i = 0; i < MESSAGES; i++) {
    const msg = new Message(topic, TAG, `native message ${i}`);
    msg.keys = [ `key-${i}` ];
    const result = await withTimeout(producer.send(msg), 5000, `send ${i}`);
    if (!result || result.sendStatus !== 'SEND_OK') fail(`send ${i} answered ${JSON.stringify(result)}`);
  }
  console.log(`native_client_test: ${MESSAGES} messages sent`);

  await withTimeout(allArrived, 20000, 'consume');
  const unexpected = [...received.keys()].filter(b => !expected.has(b));
  if (unexpected.length) fail(`unexpected bodies: ${JSON.stringify(unexpected)}`);
  console.log(`native_client_test: ${MESSAGES} messages consumed (deliveries: ${[...received.values()].reduce((a, b) => a + b, 0)})`);

  await withTimeout(producer.close(), 5000, 'producer close');
  await withTimeout(consumer.close(), 5000, 'consumer close');
  clearTimeout(overall);
  console.log('native_client_test: PASS');
  process.exit(0);
}

main().catch(err => fail(err && err.stack ? err.stack : String(err)));
