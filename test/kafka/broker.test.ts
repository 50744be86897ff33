import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  consumeRecords,
  createTopics,
  deleteTopics,
  produceJson,
  startTestBroker,
  uniqueTopic,
  type TestBroker,
} from '../helpers/kafka';

const COUNT = 10_000;

function numbered(count: number): { key: string; value: { n: number; customerID: string } }[] {
  return Array.from({ length: count }, (_, n) => ({ key: `k${n}`, value: { n, customerID: `c-${n}` } }));
}

describe('the local Kafka broker of scripts/kafka.sh', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker?.stop();
  });

  it('writes a single-node KRaft config with the fixed controller voter and its own data dir', () => {
    const config = readFileSync(join(broker.dataDir, 'server.properties'), 'utf8');
    assert.match(config, /^process\.roles=broker,controller$/m);
    assert.match(config, /^controller\.quorum\.voters=1@127\.0\.0\.1:\d+$/m);
    assert.match(config, new RegExp(`^listeners=PLAINTEXT://${broker.brokers[0]},`, 'm'));
    assert.match(config, new RegExp(`^log\\.dirs=${broker.dataDir}/log$`, 'm'));
    assert.ok(existsSync(join(broker.dataDir, 'log', 'meta.properties')), 'the storage was formatted');
    assert.ok(existsSync(join(broker.dataDir, 'kafka.pid')), 'the pid file was written');
  });

  it('round-trips 10,000 JSON records in order with their keys', async () => {
    const topic = uniqueTopic('round-trip');
    await createTopics(broker.brokers, [topic]);
    await produceJson(broker.brokers, topic, numbered(COUNT));
    const records = await consumeRecords(broker.brokers, topic, COUNT, { timeoutMs: 60_000 });
    assert.equal(records.length, COUNT);
    records.forEach((record, n) => {
      assert.equal(record.key, `k${n}`);
      assert.deepEqual(JSON.parse(record.value), { n, customerID: `c-${n}` });
      assert.equal(record.offset, BigInt(n));
    });
    await deleteTopics(broker.brokers, [topic]);
  });

  it('keeps acknowledged records and committed group offsets across a broker stop and start', async () => {
    const topic = uniqueTopic('restart');
    const groupId = uniqueTopic('restart-group');
    await createTopics(broker.brokers, [topic], 3);
    await produceJson(broker.brokers, topic, numbered(COUNT));
    const firstPart = await consumeRecords(broker.brokers, topic, 4_000, { groupId, timeoutMs: 60_000 });

    await broker.stop();
    await broker.start();

    // The group resumes after what it committed: together the two reads are every record exactly once.
    const rest = await consumeRecords(broker.brokers, topic, COUNT - 4_000, { groupId, timeoutMs: 60_000 });
    const seen = [...firstPart, ...rest].map((record) => (JSON.parse(record.value) as { n: number }).n);
    assert.equal(new Set(seen).size, COUNT);
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      numbered(COUNT).map((record) => record.value.n),
    );
    // And a reader from the start still finds all of them.
    const all = await consumeRecords(broker.brokers, topic, COUNT, { timeoutMs: 60_000 });
    assert.equal(all.length, COUNT);
  });
});
