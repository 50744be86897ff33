import type { WorkflowHandle } from '@temporalio/client';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Papa from 'papaparse';
import type { DeadLetterMessage, StreamResultMessage, StreamScoreInput } from '../../contracts';
import type { mlLifecycle, streamScore } from '../../workflows';
import { streamScoreProgressQuery } from '../../workflows/stream-score';
import { createTopics, produceJson, startTestBroker, type TestBroker, uniqueTopic } from '../helpers/kafka';
import { readTopic } from '../helpers/topic-reader';
import { TELCO_CSV } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

const MODEL = 'telco-churn';

type Row = Record<string, string>;
const telcoRows = (): Row[] => Papa.parse<Row>(readFileSync(TELCO_CSV, 'utf8').trim(), { header: true }).data;

/** A record as a client sends it to /predict: numbers for numeric columns, strings for the rest, the id too. */
function asRecord(row: Row): Record<string, unknown> {
  const numeric = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);
  return Object.fromEntries(
    Object.entries(row)
      .filter(([column]) => column !== 'Churn')
      .map(([column, value]) => [column, numeric.has(column) ? (value.trim() === '' ? null : Number(value)) : value]),
  );
}

/** `count` Telco records keyed `rec-<i>`, cycling through the data set. */
function telcoRecords(count: number): { key: string; value: Record<string, unknown> }[] {
  const rows = telcoRows();
  return Array.from({ length: count }, (_, i) => ({ key: `rec-${i}`, value: asRecord(rows[i % rows.length] as Row) }));
}

async function predict(url: string, records: unknown[]): Promise<{ id: string; probability: number; label: number }[]> {
  const response = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, records }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return (JSON.parse(text) as { predictions: { id: string; probability: number; label: number }[] }).predictions;
}

async function predictVersion(url: string, version: number, records: unknown[]): Promise<{ probability: number }[]> {
  const response = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, version, records }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return (JSON.parse(text) as { predictions: { probability: number }[] }).predictions;
}

/** Cancels a run and waits until its consumer has closed (a no-op for a run that already ended). */
async function stopped(handle: WorkflowHandle): Promise<void> {
  await handle.cancel().catch(() => undefined);
  await handle.result().catch(() => undefined);
}

describe('streamScore end to end: a real broker, a real dev server and the real ONNX model', () => {
  let stack: TestStack;
  let broker: TestBroker;
  let brokers: string[];
  let runs = 0;
  const start = (input: Omit<StreamScoreInput, 'modelName' | 'brokers'>) =>
    stack.env.client.workflow.start<typeof streamScore>('streamScore', {
      taskQueue: stack.taskQueue,
      workflowId: `stream-${++runs}`,
      args: [{ modelName: MODEL, brokers, ...input }],
    });

  before(async () => {
    broker = await startTestBroker();
    brokers = broker.brokers;
    stack = await startTestStack();
    const trained = await stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: 'stream-train',
      args: [{ modelName: MODEL, dataUri: TELCO_CSV }],
    });
    assert.equal(trained.deployed, true, trained.reason);
  });
  after(async () => {
    await stack?.stop();
    await broker?.stop();
  });

  it('turns 10,000 records into 10,000 results that match /predict to 1e-6, and returns its counts when cancelled', async () => {
    const inputTopic = uniqueTopic('churn-requests');
    const outputTopic = uniqueTopic('churn-scores');
    await createTopics(brokers, [inputTopic, outputTopic], 3);
    const records = telcoRecords(10_000);
    await produceJson(brokers, inputTopic, records);
    const output = await readTopic<StreamResultMessage>(brokers, outputTopic);
    const handle = await start({ inputTopic, outputTopic });
    try {
      await waitFor(() => new Set(output.messages.map((m) => m.value.key)).size === records.length, {
        timeoutMs: 120_000,
        intervalMs: 200,
        what: () => `10,000 distinct results (have ${output.messages.length})`,
      });
      // Every streamed prediction is in the prediction log, so the drift monitor sees the stream's population.
      await waitFor(() => stack.predictionLogReader.readWindow(MODEL, { to: Date.now() }).rows >= records.length, {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: 'the streamed predictions in the prediction log',
      });
      // With their input columns as sent, which the drift checks compare with the baseline.
      const logged = stack.predictionLogReader.readWindow(MODEL, { to: Date.now() });
      const sorted = (values: unknown[]) => values.map((v) => JSON.stringify(v)).sort();
      for (const column of ['tenure', 'Contract', 'TotalCharges']) {
        assert.deepEqual(
          sorted(logged.columns[column] ?? []),
          sorted(records.map((r) => r.value[column])),
          `logged ${column}`,
        );
      }
      assert.equal(logged.columns.customerID, undefined, 'the id the records carry is not a model input: not logged');
      const expected = await predict(
        stack.scoringUrl,
        records.map((r) => r.value),
      );
      const byKey = new Map(output.messages.map((m) => [m.key, m.value]));
      records.forEach(({ key }, i) => {
        const result = byKey.get(key);
        assert.ok(result, `no result for ${key}`);
        assert.equal(result.key, key);
        const want = expected[i] as { probability: number; label: number };
        assert.ok(
          Math.abs(result.probability - want.probability) <= 1e-6,
          `${key}: ${result.probability} vs ${want.probability}`,
        );
        assert.equal(result.label, want.label, key);
        assert.deepEqual(result.model, { name: MODEL, version: 1 });
        assert.equal(result.source.topic, inputTopic);
      });
      // Every input offset has its result, each carrying the offset it came from.
      const sources = new Set(output.messages.map((m) => `${m.value.source.partition}:${m.value.source.offset}`));
      assert.equal(sources.size, records.length);

      await waitFor(
        async () => {
          const { records: scored, lag } = await handle.query(streamScoreProgressQuery);
          return scored >= records.length && lag === 0;
        },
        { timeoutMs: 30_000, intervalMs: 250, what: 'the progress query to count every record, with no lag left' },
      );
      const progress = await handle.query(streamScoreProgressQuery);
      assert.equal(progress.version, 1);
      assert.equal(progress.rejected, 0);

      await handle.cancel();
      const result = await handle.result();
      assert.equal(result.records, records.length);
      assert.equal(result.rejected, 0);
      const committed = Object.entries(result.lastOffsets).reduce((sum, [, next]) => sum + Number(next), 0);
      assert.equal(committed, records.length, JSON.stringify(result.lastOffsets));
      const description = await handle.describe();
      assert.equal(description.status.name, 'COMPLETED');
    } finally {
      await output.close();
      await stopped(handle);
    }
  });

  it('sends records that are not JSON or break the schema to the dead-letter topic with the reason, and keeps scoring', async () => {
    const inputTopic = uniqueTopic('churn-requests');
    const outputTopic = uniqueTopic('churn-scores');
    const deadLetterTopic = uniqueTopic('churn-dead');
    await createTopics(brokers, [inputTopic, outputTopic, deadLetterTopic], 1);
    const [first, second] = telcoRecords(2).map((r) => r.value) as [Record<string, unknown>, Record<string, unknown>];
    const { tenure: _dropped, ...noTenure } = first;
    const messages = [
      { key: 'good-1', value: first },
      { key: 'not-json', value: '{"gender": "Female", ' },
      { key: 'array', value: [1, 2, 3] },
      { key: 'unseen', value: { ...second, Contract: 'Lifetime' } },
      { key: 'missing', value: noTenure },
      { key: 'wrong-type', value: { ...second, MonthlyCharges: 'a lot' } },
      { key: 'good-2', value: second },
    ];
    await produceJson(brokers, inputTopic, messages);
    const output = await readTopic<StreamResultMessage>(brokers, outputTopic);
    const dead = await readTopic<DeadLetterMessage>(brokers, deadLetterTopic);
    const handle = await start({ inputTopic, outputTopic, deadLetterTopic });
    try {
      await waitFor(() => output.messages.length >= 2 && dead.messages.length >= 5, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: () => `2 results and 5 dead letters (have ${output.messages.length} and ${dead.messages.length})`,
      });
      assert.deepEqual(output.messages.map((m) => m.key).sort(), ['good-1', 'good-2']);
      const reasons = new Map(dead.messages.map((m) => [m.key, m.value]));
      assert.match(reasons.get('not-json')?.reason ?? '', /^not JSON/);
      assert.equal(reasons.get('not-json')?.value, '{"gender": "Female", ');
      assert.match(reasons.get('array')?.reason ?? '', /must be a JSON object/);
      assert.match(reasons.get('unseen')?.reason ?? '', /unseen category "Lifetime"/);
      assert.deepEqual(
        reasons.get('unseen')?.problems.map((p) => p.field),
        ['Contract'],
      );
      assert.match(reasons.get('missing')?.reason ?? '', /missing column "tenure"/);
      assert.match(reasons.get('wrong-type')?.reason ?? '', /MonthlyCharges|must be a number/);
      assert.deepEqual(
        dead.messages.map((m) => m.value.source.offset).sort(),
        ['1', '2', '3', '4', '5'],
        'each dead letter names the offset it came from',
      );
      await handle.cancel();
      const result = await handle.result();
      assert.deepEqual({ records: result.records, rejected: result.rejected }, { records: 2, rejected: 5 });
      assert.deepEqual(result.lastOffsets, { [`${inputTopic}:0`]: '7' });
    } finally {
      await output.close();
      await dead.close();
      await stopped(handle);
    }
  });

  it('stores the labels of the labels topic in the feedback store, and dead-letters labels of unknown predictions', async () => {
    const inputTopic = uniqueTopic('churn-requests');
    const outputTopic = uniqueTopic('churn-scores');
    const labelsTopic = uniqueTopic('churn-labels');
    const deadLetterTopic = uniqueTopic('churn-dead');
    await createTopics(brokers, [inputTopic, outputTopic, labelsTopic, deadLetterTopic], 1);
    const records = telcoRecords(50);
    await produceJson(brokers, inputTopic, records);
    const output = await readTopic<StreamResultMessage>(brokers, outputTopic);
    const dead = await readTopic<DeadLetterMessage>(brokers, deadLetterTopic);
    const handle = await start({ inputTopic, outputTopic, labelsTopic, deadLetterTopic });
    try {
      await waitFor(() => output.messages.length >= records.length, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'a result for every record',
      });
      // Labels as an operational system sends them: JSON numbers, booleans, or the class name as plain text.
      const spellings = ['1', '0', 'true', 'Yes', 'No'];
      const labels = output.messages.map((m, i) => ({
        key: m.value.predictionId,
        value: spellings[i % spellings.length],
      }));
      await produceJson(brokers, labelsTopic, [...labels, { key: 'no-such-prediction', value: '1' }]);
      await waitFor(() => dead.messages.length >= 1, { timeoutMs: 60_000, intervalMs: 100, what: 'a dead letter' });
      assert.equal(dead.messages[0]?.key, 'no-such-prediction');
      assert.match(dead.messages[0]?.value.reason ?? '', /unknown prediction id "no-such-prediction"/);
      const labelled = stack.predictionLogReader.readLabelled(MODEL, { to: Date.now() });
      const stored = new Map(labelled.ids.map((id, i) => [id, labelled.labels[i]]));
      const expected: Record<string, number> = { '1': 1, '0': 0, true: 1, Yes: 1, No: 0 };
      for (const { key, value } of labels) assert.equal(stored.get(key), expected[value as string], `label of ${key}`);
      await waitFor(async () => (await handle.query(streamScoreProgressQuery)).labels === labels.length, {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: 'the progress query to count the labels',
      });
    } finally {
      await output.close();
      await dead.close();
      await stopped(handle);
    }
  });

  // Last: it deploys v2, which the tests above expect not to exist.
  it('follows a promotion to a new version without restarting the consumer', async () => {
    const inputTopic = uniqueTopic('churn-requests');
    const outputTopic = uniqueTopic('churn-scores');
    await createTopics(brokers, [inputTopic, outputTopic], 1);
    const records = telcoRecords(200);
    await produceJson(brokers, inputTopic, records.slice(0, 100));
    const output = await readTopic<StreamResultMessage>(brokers, outputTopic);
    const handle = await start({ inputTopic, outputTopic });
    try {
      await waitFor(() => output.messages.length >= 100, { timeoutMs: 60_000, intervalMs: 100, what: '100 results' });
      assert.ok(output.messages.every((m) => m.value.model.version === 1));
      const retrained = await stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
        taskQueue: stack.taskQueue,
        workflowId: 'stream-train-v2',
        args: [{ modelName: MODEL, dataUri: TELCO_CSV, seed: 7 }],
      });
      assert.equal(retrained.version, 2);
      assert.equal(retrained.deployed, true, retrained.reason);
      // Records keep arriving; the stream switches to v2 between two batches once it has read the registry.
      let sent = 100;
      await waitFor(
        async () => {
          if (sent < records.length) await produceJson(brokers, inputTopic, records.slice(sent, ++sent));
          return output.messages.some((m) => m.value.model.version === 2);
        },
        { timeoutMs: 60_000, intervalMs: 200, what: 'a result of v2' },
      );
      const v2 = output.messages.filter((m) => m.value.model.version === 2);
      const index = (key: string | null) => Number(key?.slice('rec-'.length));
      const expected = await predictVersion(
        stack.scoringUrl,
        2,
        v2.map((m) => records[index(m.key)]?.value),
      );
      v2.forEach((m, i) => assert.ok(Math.abs(m.value.probability - (expected[i]?.probability ?? NaN)) <= 1e-6));
      // Once v2 scores, v1 never does again: the swap happens between batches.
      const firstV2 = output.messages.findIndex((m) => m.value.model.version === 2);
      assert.ok(output.messages.slice(firstV2).every((m) => m.value.model.version === 2));
      const { events } = await handle.fetchHistory();
      const scheduled = (events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
      assert.equal(scheduled.length, 1, 'one consumer activity throughout');
    } finally {
      await output.close();
      await stopped(handle);
    }
  });
});
