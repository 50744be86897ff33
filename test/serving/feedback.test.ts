import type { ErrorBody } from '../../contracts/http';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { PredictionLogReader, PredictionLogWriter } from '../../monitoring/prediction-log';
import type { ModelVersionRecord } from '../../registry/types';
import { buildScoringApp } from '../../serving/app';
import { ModelPool } from '../../serving/model-pool';
import { startScoringServer } from '../../serving/server';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS, SPEC } from './helpers';

interface PredictBody {
  model: { name: string; version: number };
  predictions: { id: string; probability: number; label: number }[];
}

const FAR_FUTURE = Date.parse('2100-01-01T00:00:00.000Z');
const INPUTS = SPEC.inputs.map((input) => input.name);

describe('prediction log behind the scoring server', () => {
  let fixture: Fixture;
  let v1: ModelVersionRecord;
  let v2: ModelVersionRecord;
  let home: string;
  let log: PredictionLogWriter;
  let reader: PredictionLogReader;
  /** What the log holds once the writer has written its queue, read as the drift monitor reads it. */
  const stored = (): PredictionLogReader => {
    log.flush();
    return reader;
  };
  let pool: ModelPool;
  let app: FastifyInstance;

  before(async () => {
    fixture = await createFixture();
    v1 = await fixture.version('churn', 1);
    v2 = await fixture.version('churn', 2, { positiveLabel: 'Churned' });
  });
  after(() => fixture.cleanup());

  /** A pool serving churn v1 (v2 on request) and an app over it, with the test's log unless told otherwise. */
  async function start(options: { withLog?: boolean; bodyLimit?: number } = {}): Promise<void> {
    pool = new ModelPool({ source: new InMemorySource().add(v1).add(v2).setServing('churn', 1) });
    await pool.refresh();
    app = buildScoringApp({
      pool,
      predictionLog: options.withLog === false ? undefined : log,
      bodyLimit: options.bodyLimit,
    });
    await app.ready();
  }

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'mlcycle-feedback-'));
    // A slow timer: what a test reads was written by flush or close.
    log = PredictionLogWriter.open(home, { flushIntervalMs: 60_000 });
    reader = PredictionLogReader.open(home);
  });
  afterEach(async () => {
    await app.close();
    await pool.close();
    log.close();
    reader.close();
    await rm(home, { recursive: true, force: true });
  });

  const predict = async (payload: object) => {
    const response = await app.inject({ method: 'POST', url: '/predict', payload });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<PredictBody>();
  };
  const feedback = (payload: unknown) => app.inject({ method: 'POST', url: '/feedback', payload: payload as object });

  describe('/predict logging', () => {
    beforeEach(() => start());

    it('logs every answered record under the id the client got, with the model input columns as sent', async () => {
      const before = Date.now();
      const answer = await predict({ records: RECORDS });
      const window = stored().readWindow('churn', { to: FAR_FUTURE });
      assert.equal(window.rows, RECORDS.length);
      assert.deepEqual(
        window.probabilities,
        answer.predictions.map((p) => p.probability),
      );
      assert.deepEqual(window.versions, [1]);
      // The id and target columns the first record carries are not model inputs, so they are not logged.
      assert.deepEqual(Object.keys(window.columns).sort(), [...INPUTS].sort());
      for (const name of INPUTS) {
        assert.deepEqual(
          window.columns[name],
          RECORDS.map((record) => record[name]),
          name,
        );
      }
      assert.equal(stored().readWindow('churn', { to: before - 1 }).rows, 0, 'logged with the time of the request');

      const ids = answer.predictions.map((p) => p.id);
      const labels = ids.map((id, i) => ({ id, label: i % 2 }));
      assert.equal((await feedback({ labels })).json<{ accepted: number }>().accepted, RECORDS.length);
      assert.deepEqual(stored().readLabelled('churn', { to: FAR_FUTURE }).ids, ids);
    });

    it('logs a requested version under that version', async () => {
      await predict({ version: 2, records: RECORDS.slice(0, 2) });
      const window = stored().readWindow('churn', { to: FAR_FUTURE });
      assert.deepEqual(window.versions, [2]);
      assert.equal(stored().readWindow('churn', { to: FAR_FUTURE, version: 1 }).rows, 0);
    });

    it('logs nothing for a request it refuses', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/predict',
        payload: { records: [{ ...RECORDS[1], Contract: 'Weekly' }] },
      });
      assert.equal(response.statusCode, 400);
      assert.deepEqual(log.stats().queued + log.stats().written, 0);
    });

    it('writes what the last requests logged when the server closes, before the log is closed', async () => {
      const server = await startScoringServer({
        host: '127.0.0.1',
        port: 0,
        source: new InMemorySource().add(v1).setServing('churn', 1),
        predictionLog: log,
      });
      const response = await fetch(`${server.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ records: RECORDS }),
      });
      assert.equal(response.status, 200);
      assert.equal(log.stats().queued, RECORDS.length);
      await server.close();
      assert.equal(log.stats().written, RECORDS.length);
    });
  });

  describe('POST /feedback', () => {
    beforeEach(() => start());

    it('accepts labels for predicted ids, replaces an earlier label and lists unknown ids', async () => {
      const [a, b] = (await predict({ records: RECORDS.slice(0, 2) })).predictions.map((p) => p.id);
      assert.ok(a !== undefined && b !== undefined);
      const first = await feedback({
        labels: [
          { id: a, label: 'Yes' },
          { id: b, label: false },
          { id: 'not-a-prediction', label: 1 },
        ],
      });
      assert.equal(first.statusCode, 200);
      assert.deepEqual(first.json(), { accepted: 2, unknown: ['not-a-prediction'] });
      const second = await feedback({ labels: [{ id: a, label: 0 }] });
      assert.deepEqual(second.json(), { accepted: 1, unknown: [] });
      assert.deepEqual(stored().readLabelled('churn', { to: FAR_FUTURE }).labels, [0, 0]);
    });

    it('reads the positive class name of the version that made the prediction', async () => {
      const [byV2] = (await predict({ version: 2, records: RECORDS.slice(0, 1) })).predictions.map((p) => p.id);
      const [byV1] = (await predict({ records: RECORDS.slice(0, 1) })).predictions.map((p) => p.id);
      assert.equal((await feedback({ labels: [{ id: byV2, label: 'churned' }] })).statusCode, 200);
      const refused = await feedback({ labels: [{ id: byV1, label: 'Churned' }] });
      assert.equal(refused.statusCode, 400);
      assert.deepEqual(refused.json<ErrorBody>().details[0]?.field, 'label');
      assert.deepEqual(stored().readLabelled('churn', { to: FAR_FUTURE }).labels, [1]);
    });

    const badBodies: [string, unknown, number | null, string | null][] = [
      ['a body that is not an object', [{ id: 'x', label: 1 }], null, null],
      ['a body without labels', { label: 1 }, null, 'labels'],
      ['labels that are not an array', { labels: { id: 'x', label: 1 } }, null, 'labels'],
      ['no labels', { labels: [] }, null, 'labels'],
      [
        'more than 10,000 labels',
        { labels: Array.from({ length: 10_001 }, (_, i) => ({ id: `${i}`, label: 1 })) },
        null,
        'labels',
      ],
      ['an entry that is not an object', { labels: ['x'] }, 0, null],
      ['an entry without an id', { labels: [{ label: 1 }] }, 0, 'id'],
      ['an id that is not a string', { labels: [{ id: 7, label: 1 }] }, 0, 'id'],
      [
        'a label that is an object',
        {
          labels: [
            { id: 'x', label: 1 },
            { id: 'y', label: { value: 1 } },
          ],
        },
        1,
        'label',
      ],
      ['a label of 2', { labels: [{ id: 'x', label: 2 }] }, 0, 'label'],
    ];
    for (const [what, payload, row, field] of badBodies) {
      it(`answers 400 in the error shape for ${what}`, async () => {
        const response = await feedback(payload);
        assert.equal(response.statusCode, 400);
        const body = response.json<ErrorBody>();
        assert.equal(typeof body.error, 'string');
        assert.deepEqual([body.details[0]?.row, body.details[0]?.field], [row, field]);
      });
    }

    it('answers 400 for a label it does not understand, and stores nothing from that batch', async () => {
      const [a, b] = (await predict({ records: RECORDS.slice(0, 2) })).predictions.map((p) => p.id);
      const response = await feedback({
        labels: [
          { id: a, label: 1 },
          { id: b, label: 'perhaps' },
        ],
      });
      assert.equal(response.statusCode, 400);
      const body = response.json<ErrorBody>();
      assert.match(body.error, /1 invalid label; nothing was stored/);
      assert.deepEqual(body.details, [
        {
          row: 1,
          field: 'label',
          message: 'label "perhaps" is not understood; send 0/1, true/false, "Yes"/"No", "true"/"false"',
        },
      ]);
      assert.equal(stored().readLabelled('churn', { to: FAR_FUTURE }).rows, 0);
    });

    it('answers 415 for a body not declared as JSON', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/feedback',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify({ labels: [{ id: 'x', label: 1 }] }),
      });
      assert.equal(response.statusCode, 415);
      assert.equal(response.json<ErrorBody>().details.length, 1);
    });
  });

  it('answers 413 for a feedback body over the limit', async () => {
    await start({ bodyLimit: 1024 });
    const response = await feedback({ labels: Array.from({ length: 100 }, (_, i) => ({ id: `id-${i}`, label: 1 })) });
    assert.equal(response.statusCode, 413);
    assert.match(response.json<ErrorBody>().error, /too large/i);
  });

  it('answers 503 for feedback when the server keeps no prediction log', async () => {
    await start({ withLog: false });
    const response = await feedback({ labels: [{ id: 'x', label: 1 }] });
    assert.equal(response.statusCode, 503);
    assert.match(response.json<ErrorBody>().error, /no prediction log/);
  });
});
