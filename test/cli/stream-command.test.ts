import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressLines, streamInput, streamWorkflowId } from '../../cli/commands/stream';

describe('mlcycle stream builds the streamScore input from its flags and checks it before starting', () => {
  const base = { model: 'telco-churn', in: 'churn-requests', out: 'churn-scores' };

  it('passes the flags through, brokers split at commas, defaults left to the workflow', () => {
    assert.deepEqual(streamInput({ ...base, brokers: 'k1:9092, k2:9092' }, '127.0.0.1:9092'), {
      modelName: 'telco-churn',
      brokers: ['k1:9092', 'k2:9092'],
      inputTopic: 'churn-requests',
      outputTopic: 'churn-scores',
    });
    const all = streamInput({ ...base, dlq: 'dead', group: 'g1', labels: 'churn-labels' }, '127.0.0.1:9092');
    assert.deepEqual(
      {
        brokers: all.brokers,
        deadLetterTopic: all.deadLetterTopic,
        groupId: all.groupId,
        labelsTopic: all.labelsTopic,
      },
      { brokers: ['127.0.0.1:9092'], deadLetterTopic: 'dead', groupId: 'g1', labelsTopic: 'churn-labels' },
    );
  });

  it('refuses a topic that is no Kafka topic name and a broker without a port, naming flag and field', () => {
    assert.throws(
      () => streamInput({ ...base, in: 'churn requests', brokers: 'localhost' }, '127.0.0.1:9092'),
      /nothing was started:\n {2}--brokers \(brokers\.0\) must match pattern .*; got "localhost"\n {2}--in \(inputTopic\) must match pattern .*; got "churn requests"$/,
    );
  });

  it('needs --out to start a stream', () => {
    assert.throws(() => streamInput({ model: 'telco-churn', in: 'churn-requests' }, '127.0.0.1:9092'), /--out/);
  });

  it('names the run after the model and the input topic, so --stop and --status find it', () => {
    assert.equal(streamWorkflowId('telco-churn', 'churn-requests'), 'stream-score-telco-churn-churn-requests');
  });

  it('prints the progress query as three lines: counts and rate, lag and errors, committed offsets', () => {
    const lines = progressLines({
      modelName: 'telco-churn',
      version: 2,
      records: 12_000,
      rejected: 3,
      labels: 40,
      recordsPerSecond: 1999.6,
      lag: 17,
      lastOffsets: { 'churn-requests:0': '6000', 'churn-requests:1': '6003' },
      updatedAt: '2026-12-01T03:00:00.000Z',
    });
    assert.deepEqual(lines, [
      'telco-churn v2: 12000 records scored, 2000/s',
      'lag: 17; rejected: 3; labels: 40',
      'committed: churn-requests:0@6000 churn-requests:1@6003; updated 2026-12-01T03:00:00.000Z',
    ]);
  });
});
