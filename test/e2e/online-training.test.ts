import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { OnlineState } from '../../models/online';
import { readCheckpoint } from '../../models/online';
import { encodeRecords } from '../../models/features';
import { predictProba } from '../../models/logistic';
import { rocAuc } from '../../models/metrics';
import type { onlineTraining } from '../../workflows';
import { createTopics, startTestBroker, type TestBroker, uniqueTopic } from '../helpers/kafka';
import { batchFit, range, telcoStream } from '../helpers/labelled-stream';
import {
  produceLabelled,
  saveHistory,
  startOnline,
  trainServingModel,
  versionProbabilities,
  waitForProgress,
} from '../helpers/online';
import { startTestStack, type TestStack } from '../helpers/stack';

// onlineTraining on the real stack: Temporal dev server, worker, scoring server, registry, and a real
// Kafka broker carrying labelled records. Each test has a model of its own (trained and deployed by
// mlLifecycle on 5,000 synthetic Telco customers), so what one publishes cannot change another's serving version.

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text) as T;
}

describe('onlineTraining keeps the serving model learning from labelled records, durably and safely', () => {
  let stack: TestStack;
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker();
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.stop();
    await broker?.stop();
  });

  it('starts from the serving version exactly, and on its own distribution stays within 0.01 ROC AUC of it', async () => {
    const model = 'online-steady';
    await trainServingModel(stack, model);
    const topic = uniqueTopic('labelled');
    await createTopics(broker.brokers, [topic], 1);
    const stream = await telcoStream({ rows: 4_000, seed: 12 });
    const handle = await startOnline(stack, `online-${model}`, {
      modelName: model,
      source: { kafka: { brokers: broker.brokers, topic } },
      publishEvery: 100_000,
    });
    const first = { records: stream.records.slice(0, 1_000), labels: stream.labels.slice(0, 1_000) };
    await produceLabelled(broker.brokers, topic, first);
    const warm = await waitForProgress(handle, (p) => p.recordsLearned === 1_000, '1,000 records learned');
    assert.equal(warm.parentVersion, 1);

    // The window holds every record so far, in learning order; the first mini-batch was predicted before any update.
    const state: OnlineState = await readCheckpoint(warm.checkpoint!.path, warm.checkpoint!.sha256);
    assert.equal(state.window.labels.length, 1_000);
    const firstBatch = state.window.online.slice(0, state.batchSize);
    assert.deepEqual(firstBatch, state.window.serving.slice(0, state.batchSize));
    // …and equal to what the scoring server's ONNX session answers for the very same records (one partition: in order).
    const served = await post<{ predictions: { probability: number }[] }>(`${stack.scoringUrl}/predict`, {
      model,
      records: first.records.slice(0, state.batchSize),
    });
    served.predictions.forEach(({ probability }, i) =>
      assert.ok(
        Math.abs(probability - (firstBatch[i] as number)) < 1e-5,
        `record ${i}: ${probability} vs ${firstBatch[i]}`,
      ),
    );

    await produceLabelled(broker.brokers, topic, {
      records: stream.records.slice(1_000),
      labels: stream.labels.slice(1_000),
    });
    const done = await waitForProgress(handle, (p) => p.recordsLearned === 4_000, 'all 4,000 records learned');
    const { online, serving } = done.metrics!;
    assert.equal(done.metrics!.records, 2_000);
    assert.ok(Math.abs(online.rocAuc! - serving.rocAuc!) <= 0.01, `online ${online.rocAuc} vs batch ${serving.rocAuc}`);
    assert.deepEqual(done.published, []);
    await handle.signal('stop');
    const result = await handle.result();
    assert.equal(result.recordsLearned, 4_000);
    assert.equal(sumOffsets(result.cursor), 4_000);
  });

  it('after a concept change recovers toward a batch model of the new concept and deploys the candidate it publishes', async () => {
    const model = 'online-concept';
    await trainServingModel(stack, model);
    const topic = uniqueTopic('concept');
    await createTopics(broker.brokers, [topic], 1);
    const before = await telcoStream({ rows: 3_000, seed: 12 });
    const changed = await telcoStream({ rows: 8_000, seed: 13, conceptChangeAt: 0 });
    const handle = await startOnline(stack, `online-${model}`, {
      modelName: model,
      source: { kafka: { brokers: broker.brokers, topic } },
      publishEvery: 2_000,
    });
    await produceLabelled(broker.brokers, topic, before);
    await produceLabelled(broker.brokers, topic, changed);
    const done = await waitForProgress(
      handle,
      (p) => p.recordsLearned === 11_000 && p.published.length >= 5 && p.state !== 'publishing',
      'all 11,000 records learned and five candidates published',
    );
    // On the last 2,000 records: the online model against the batch model it started from and one
    // fitted on 20,000 fresh records of the new concept.
    const last = { records: changed.records.slice(-2_000), labels: changed.labels.slice(-2_000) };
    const fresh = await telcoStream({ rows: 20_000, seed: 14, conceptChangeAt: 0 });
    const retrained = batchFit(fresh, range(0, 20_000));
    const retrainedAuc = rocAuc(
      last.labels,
      predictProba(retrained.model, encodeRecords(retrained.spec, last.records)),
    );
    const originalAuc = rocAuc(last.labels, await versionProbabilities(stack.registry, model, 1, last.records));
    const onlineAuc = done.metrics!.online.rocAuc!;
    assert.ok(onlineAuc >= retrainedAuc - 0.03, `online ${onlineAuc} vs retrained ${retrainedAuc}`);
    assert.ok(onlineAuc >= originalAuc + 0.05, `online ${onlineAuc} vs the original batch model ${originalAuc}`);

    const afterChange = done.published.filter((v) => v.fromRecord > 3_000);
    const deployed = afterChange.filter((v) => v.deployed);
    assert.ok(deployed.length > 0, JSON.stringify(done.published));
    const newest = deployed[deployed.length - 1]!;
    assert.equal(stack.registry.getServing(model)?.version, newest.version);
    const version = stack.registry.getVersion(model, newest.version!)!;
    assert.deepEqual(version.params.lineage, {
      parentVersion: 1,
      source: `kafka:${topic}`,
      fromRecord: newest.fromRecord,
      toRecord: newest.toRecord,
      workflowId: `online-${model}`,
    });
    assert.match(newest.reason, /beats serving/);
    // Its smoke test sent the most recent records learned (1,000) and got the online model's probabilities back.
    const expected = JSON.parse(readFileSync(version.expectedPath, 'utf8')) as { records: unknown[] };
    assert.equal(expected.records.length, 1_000);
    assert.match(newest.reason, /smoke test passed: 1000 held-back rows match/);
    await handle.signal('stop');
    await handle.result();
    await saveHistory(handle, 'online-training-history.json');
    await saveHistory(
      stack.env.client.workflow.getHandle(`online-${model}-publish-${newest.toRecord}`),
      'online-publish-history.json',
    );
  });

  it('pauses on a burst of flipped labels, says why, and never deploys what it learned from them', async () => {
    const model = 'online-poison';
    await trainServingModel(stack, model);
    const topic = uniqueTopic('poison');
    await createTopics(broker.brokers, [topic], 1);
    const clean = await telcoStream({ rows: 1_000, seed: 12 });
    const burst = await telcoStream({ rows: 2_000, seed: 15 });
    const handle = await startOnline(stack, `online-${model}`, {
      modelName: model,
      source: { kafka: { brokers: broker.brokers, topic } },
      publishEvery: 1_000,
    });
    await produceLabelled(broker.brokers, topic, clean);
    await produceLabelled(broker.brokers, topic, burst, { flip: true });
    const paused = await waitForProgress(handle, (p) => p.state === 'paused', 'the run to pause');
    assert.match(paused.pauseReason!, /contradict the serving version/);
    assert.ok(paused.recordsLearned < 3_000, `paused after ${paused.recordsLearned} records, before the burst ended`);
    const servingBefore = stack.registry.getServing(model)?.version;
    assert.ok(paused.published.filter((v) => v.toRecord > 1_000).every((v) => !v.deployed));
    // Stopped while paused: it learns nothing more and publishes nothing.
    await handle.signal('stop');
    const result = await handle.result();
    assert.equal(result.recordsLearned, paused.recordsLearned);
    assert.equal(stack.registry.getServing(model)?.version, servingBefore);
    assert.ok(result.published.filter((v) => v.toRecord > 1_000).every((v) => !v.deployed));
  });

  it('learns from predictions that got a label through /feedback after it started', async () => {
    const model = 'online-feedback';
    await trainServingModel(stack, model);
    const stream = await telcoStream({ rows: 600, seed: 16 });
    const handle = await startOnline(stack, `online-${model}`, { modelName: model, source: 'feedback' });
    await waitForProgress(handle, (p) => p.checkpoint !== null, 'the warm start');
    const { predictions } = await post<{ predictions: { id: string }[] }>(`${stack.scoringUrl}/predict`, {
      model,
      records: stream.records,
    });
    // Labels for the first 500 only: a prediction without feedback is nothing to learn from.
    const labels = predictions.slice(0, 500).map(({ id }, i) => ({ id, label: stream.labels[i] === 1 ? 'Yes' : 'No' }));
    await post(`${stack.scoringUrl}/feedback`, { labels });
    const done = await waitForProgress(handle, (p) => p.recordsLearned === 500, '500 labelled predictions learned');
    assert.equal(done.recordsSkipped, 0);
    assert.equal(done.cursor?.kind, 'feedback');
    await handle.signal('stop');
    assert.equal((await handle.result()).recordsLearned, 500);
  });

  it('refuses bad input before any work, naming every wrong field', async () => {
    const failure = await stack.env.client.workflow
      .execute<typeof onlineTraining>('onlineTraining', {
        taskQueue: stack.taskQueue,
        workflowId: 'online-bad-input',
        args: [{ modelName: 'x', source: { kafka: { brokers: [], topic: 'no spaces' } }, batchSize: 0 }],
      })
      .then(
        () => assert.fail('the run should fail'),
        (err: unknown) => err,
      );
    assert.ok(failure instanceof WorkflowFailedError);
    const cause = failure.cause as ApplicationFailure;
    assert.equal(cause.type, 'InvalidInputError');
    assert.equal(cause.nonRetryable, true);
    for (const field of ['source.kafka.brokers', 'source.kafka.topic', 'batchSize'])
      assert.match(cause.message, new RegExp(field));
  });

  it('fails with WarmStartError when the model has no serving version to start from', async () => {
    const failure = await stack.env.client.workflow
      .execute<typeof onlineTraining>('onlineTraining', {
        taskQueue: stack.taskQueue,
        workflowId: 'online-no-serving',
        args: [{ modelName: 'never-trained', source: 'feedback' }],
      })
      .then(
        () => assert.fail('the run should fail'),
        (err: unknown) => err,
      );
    assert.ok(failure instanceof WorkflowFailedError);
    const cause = failure.cause?.cause as ApplicationFailure;
    assert.equal(cause.type, 'WarmStartError');
    assert.match(cause.message, /never-trained has no serving version/);
  });
});

function sumOffsets(cursor: { kind: string; offsets?: Record<string, string> } | null): number {
  return Object.values(cursor?.offsets ?? {}).reduce((sum, next) => sum + Number(next), 0);
}
