import { Admin } from '@platformatic/kafka';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkStreamTopics, streamTopics } from '../../cli/kafka/stream-topics';
import type { StreamScoreInput } from '../../contracts/stream';
import { freePort } from '../helpers/free-port';
import { createTopics, startTestBroker, uniqueTopic, type TestBroker } from '../helpers/kafka';

async function topicsOn(brokers: string[]): Promise<Set<string>> {
  const admin = new Admin({ clientId: 'test-topics', bootstrapBrokers: brokers });
  try {
    return new Set(await admin.listTopics());
  } finally {
    await admin.close();
  }
}

describe('`mlcycle stream` checks its topics before it starts a stream', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker?.stop();
  });

  const inputOn = (brokers: string[], labels?: string): StreamScoreInput => ({
    modelName: 'tumour',
    brokers,
    inputTopic: uniqueTopic('in'),
    outputTopic: uniqueTopic('out'),
    ...(labels !== undefined && { labelsTopic: labels }),
  });

  it('refuses missing topics by name, the default dead-letter topic included, and creates none', async () => {
    const input = inputOn(broker.brokers, uniqueTopic('labels'));
    await createTopics(broker.brokers, [input.inputTopic]);
    await assert.rejects(checkStreamTopics(input, false), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(`topics ${input.outputTopic}, ${input.inputTopic}\\.dlq, ${input.labelsTopic}`),
      );
      assert.match(err.message, /--create-topics/);
      return true;
    });
    const existing = await topicsOn(broker.brokers);
    assert.equal(existing.has(input.outputTopic), false);
  });

  it('creates the missing ones when asked, and then finds nothing missing', async () => {
    const input = inputOn(broker.brokers);
    assert.deepEqual(await checkStreamTopics(input, true), streamTopics(input));
    const existing = await topicsOn(broker.brokers);
    for (const topic of streamTopics(input)) assert.ok(existing.has(topic), topic);
    assert.deepEqual(await checkStreamTopics(input, false), []);
  });

  it('says how to start a broker when none answers', async () => {
    const input = inputOn([`127.0.0.1:${await freePort()}`]);
    await assert.rejects(
      checkStreamTopics(input, true),
      /cannot reach Kafka at 127\.0\.0\.1:\d+ .*scripts\/kafka\.sh start/,
    );
  });
});
