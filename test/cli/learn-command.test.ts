import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { learnInput, learnWorkflowId, progressLines } from '../../cli/commands/learn';
import type { OnlineTrainingProgress } from '../../contracts';

describe('mlcycle learn builds the onlineTraining input from its flags and checks it before starting', () => {
  it('learns from feedback by default, and from Kafka with --topic, brokers split at commas', () => {
    assert.deepEqual(learnInput({ model: 'telco-churn' }, '127.0.0.1:9092'), {
      modelName: 'telco-churn',
      source: 'feedback',
    });
    assert.deepEqual(
      learnInput(
        {
          model: 'telco-churn',
          topic: 'labelled',
          brokers: 'k1:9092, k2:9092',
          publishEvery: '2000',
          batchSize: '32',
          deploy: false,
        },
        '127.0.0.1:9092',
      ),
      {
        modelName: 'telco-churn',
        source: { kafka: { brokers: ['k1:9092', 'k2:9092'], topic: 'labelled' } },
        publishEvery: 2_000,
        batchSize: 32,
        deploy: false,
      },
    );
  });

  it('refuses a bad topic, broker and number, naming flag and field, and nothing else', () => {
    assert.throws(
      () =>
        learnInput(
          { model: 'telco-churn', topic: 'has space', brokers: 'localhost', batchSize: '0' },
          '127.0.0.1:9092',
        ),
      (err: Error) => {
        assert.match(err.message, /nothing was started/);
        assert.match(err.message, /--topic\/--brokers \(source\.kafka\.brokers\.0\) must match pattern/);
        assert.match(err.message, /--topic\/--brokers \(source\.kafka\.topic\) must match pattern .*"has space"/);
        assert.match(err.message, /--batch-size \(batchSize\) must be >= 1; got 0/);
        assert.doesNotMatch(err.message, /must be string/);
        return true;
      },
    );
    assert.throws(
      () => learnInput({ model: 'telco-churn', from: 'kafka' }, '127.0.0.1:9092'),
      /--topic NAME is required/,
    );
    assert.throws(
      () => learnInput({ model: 'telco-churn', from: 'files' }, '127.0.0.1:9092'),
      /--from must be feedback or kafka/,
    );
  });

  it('names the run after the model, so --status, --pause, --resume and --stop find it', () => {
    assert.equal(learnWorkflowId('telco-churn'), 'online-training-telco-churn');
  });

  it('prints the state, the progressive metrics on the same records, and each candidate with its decision', () => {
    const metrics = { logLoss: 0.41234, rocAuc: 0.83456, meanPredicted: 0.3, ece: 0.021 };
    const progress: OnlineTrainingProgress = {
      modelName: 'telco-churn',
      parentVersion: 1,
      servingVersion: 2,
      recordsLearned: 4_000,
      recordsSkipped: 3,
      lastSkipReason: 'labelled:0@7: the value is not JSON',
      cursor: { kind: 'kafka', offsets: { 'labelled:0': '4003' } },
      checkpoint: null,
      metrics: {
        records: 2_000,
        windowSize: 2_000,
        observedRate: 0.3,
        online: metrics,
        serving: { ...metrics, logLoss: 0.45 },
      },
      published: [{ version: 2, deployed: true, reason: 'beats serving: …', fromRecord: 1, toRecord: 2_000, at: '' }],
      paused: false,
      pauseReason: null,
      state: 'learning',
      updatedAt: '2026-12-01T00:00:00.000Z',
    };
    assert.deepEqual(progressLines(progress), [
      'telco-churn: learning; warm-started from v1',
      '4000 records learned, 3 skipped; last 2000: online log loss 0.4123, ROC AUC 0.8346, ECE 0.0210 | serving v2 log loss 0.4500, ROC AUC 0.8346, ECE 0.0210',
      'cursor: labelled:0@4003; updated 2026-12-01T00:00:00.000Z',
      'published v2 (records 1–2000): deployed — beats serving: …',
    ]);
  });
});
