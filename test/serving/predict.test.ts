import type { ErrorBody } from '../../contracts/http';
import assert from 'node:assert/strict';
import { after, before, beforeEach, afterEach, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ModelVersionRecord } from '../../registry/types';
import { buildScoringApp } from '../../serving/app';
import { ModelPool } from '../../serving/model-pool';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS, referenceProbabilities } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface PredictBody {
  model: { name: string; version: number };
  predictions: { id: string; probability: number; label: number }[];
}

describe('POST /predict', () => {
  let fixture: Fixture;
  let churn1: ModelVersionRecord;
  let churn2: ModelVersionRecord;
  let other1: ModelVersionRecord;
  let source: InMemorySource;
  let pool: ModelPool;
  let app: FastifyInstance;

  before(async () => {
    fixture = await createFixture();
    churn1 = await fixture.version('churn', 1);
    churn2 = await fixture.version('churn', 2, { threshold: 0.7 });
    other1 = await fixture.version('other', 1);
  });
  after(() => fixture.cleanup());

  /** A fresh pool and app over a source serving churn v1 (and whatever `serve` adds). */
  async function start(
    options: { defaultModel?: string; serve?: [string, number][]; maxRecords?: number; bodyLimit?: number } = {},
  ) {
    source = new InMemorySource().add(churn1).add(churn2).add(other1);
    for (const [name, version] of options.serve ?? [['churn', 1]]) source.setServing(name, version);
    pool = new ModelPool({ source });
    await pool.refresh();
    app = buildScoringApp({
      pool,
      defaultModel: options.defaultModel,
      maxRecords: options.maxRecords,
      bodyLimit: options.bodyLimit,
    });
    await app.ready();
  }
  afterEach(async () => {
    await app.close();
    await pool.close();
  });

  const predict = (payload: unknown) => app.inject({ method: 'POST', url: '/predict', payload: payload as object });

  describe('with one model served', () => {
    beforeEach(() => start());

    it('answers the float64 reference probability within 1e-5, a label from the threshold and a fresh id per record', async () => {
      const response = await predict({ records: RECORDS });
      assert.equal(response.statusCode, 200);
      const body = response.json<PredictBody>();
      assert.deepEqual(body.model, { name: 'churn', version: 1 });
      const expected = referenceProbabilities(1, RECORDS);
      assert.equal(body.predictions.length, RECORDS.length);
      body.predictions.forEach((prediction, i) => {
        assert.ok(Math.abs(prediction.probability - (expected[i] as number)) < 1e-5, `row ${i}`);
        assert.equal(prediction.label, prediction.probability >= 0.5 ? 1 : 0);
        assert.match(prediction.id, UUID);
      });
      assert.deepEqual(
        body.predictions.map((p) => p.label),
        [0, 0, 1, 0, 0, 1],
      );
      assert.equal(new Set(body.predictions.map((p) => p.id)).size, RECORDS.length);
      const again = (await predict({ records: RECORDS })).json<PredictBody>();
      assert.notEqual(again.predictions[0]?.id, body.predictions[0]?.id);
    });

    it('answers a named version, staging it on demand and using its own threshold', async () => {
      const response = await predict({ model: 'churn', version: 2, records: RECORDS });
      assert.equal(response.statusCode, 200);
      const body = response.json<PredictBody>();
      assert.deepEqual(body.model, { name: 'churn', version: 2 });
      const expected = referenceProbabilities(2, RECORDS);
      body.predictions.forEach((p, i) => assert.ok(Math.abs(p.probability - (expected[i] as number)) < 1e-5));
      assert.deepEqual(
        body.predictions.map((p) => p.label),
        [1, 0, 1, 0, 0, 1],
      );
      assert.equal(pool.servingVersion('churn'), 1, 'naming a version does not promote it');
    });

    it('answers 404 for an unknown model or version', async () => {
      for (const payload of [
        { model: 'nope', records: RECORDS },
        { model: 'churn', version: 7, records: RECORDS },
        { model: 'nope', version: 1, records: RECORDS },
      ]) {
        const response = await predict(payload);
        assert.equal(response.statusCode, 404, JSON.stringify(payload));
        assert.ok(response.json<ErrorBody>().error.length > 0);
      }
    });

    const badRequests: [string, unknown, number | null, string | null][] = [
      ['a body that is not an object', [RECORDS[0]], null, null],
      ['missing records', { model: 'churn' }, null, 'records'],
      ['records that are not an array', { records: 'tenure=1' }, null, 'records'],
      ['empty records', { records: [] }, null, 'records'],
      ['a record that is not an object', { records: [RECORDS[0], 42] }, 1, null],
      ['a missing column', { records: [RECORDS[0], { ...RECORDS[1], tenure: undefined }] }, 1, 'tenure'],
      [
        'a numeric column that is not a number',
        { records: [{ ...RECORDS[0], MonthlyCharges: 'cheap' }] },
        0,
        'MonthlyCharges',
      ],
      [
        'a categorical column that is not a string',
        { records: [RECORDS[0], RECORDS[1], { ...RECORDS[2], Contract: 1 }] },
        2,
        'Contract',
      ],
      ['an unseen category', { records: [{ ...RECORDS[0], InternetService: 'Satellite' }] }, 0, 'InternetService'],
      ['a version that is not an integer', { version: 'latest', records: RECORDS }, null, 'version'],
    ];
    for (const [label, payload, row, field] of badRequests) {
      it(`answers 400 naming row and field for ${label}`, async () => {
        const response = await predict(payload);
        assert.equal(response.statusCode, 400);
        const body = response.json<ErrorBody>();
        assert.match(body.error, /problem/);
        assert.equal(body.details.length, 1);
        assert.equal(body.details[0]?.row, row);
        assert.equal(body.details[0]?.field, field);
      });
    }

    it('refuses a __proto__ key by name and where it is, but takes keys merely named like Object members', async () => {
      const refused = await app.inject({
        method: 'POST',
        url: '/predict',
        headers: { 'content-type': 'application/json' },
        payload: `{"records":[${JSON.stringify(RECORDS[0])},{"__proto__":{"tenure":1}}]}`,
      });
      assert.equal(refused.statusCode, 400);
      const body = refused.json<ErrorBody>();
      assert.match(body.error, /"__proto__" \(at "records\[1\]\.__proto__"\) is refused/);
      assert.deepEqual(
        body.details.map((d) => [d.row, d.field]),
        [[1, '__proto__']],
      );
      const extra = { constructor: 'x', toString: 1, hasOwnProperty: null, prototype: {} };
      const taken = await predict({ records: [{ ...RECORDS[0], ...extra }] });
      assert.equal(taken.statusCode, 200, taken.body);
    });

    it('lists the known levels for an unseen category', async () => {
      const response = await predict({ records: [{ ...RECORDS[0], InternetService: 'Satellite' }] });
      assert.match(response.json<ErrorBody>().details[0]?.message ?? '', /"DSL", "Fiber optic", "No"/);
    });

    it('answers 400 with a detail for a body that is not JSON', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/predict',
        headers: { 'content-type': 'application/json' },
        payload: '{"records": [',
      });
      assert.equal(response.statusCode, 400);
      const body = response.json<ErrorBody>();
      assert.match(body.error, /JSON/);
      assert.deepEqual(body.details[0] && [body.details[0].row, body.details[0].field], [null, null]);
    });

    it('answers 400 for an empty JSON body', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/predict',
        headers: { 'content-type': 'application/json' },
        payload: '',
      });
      assert.equal(response.statusCode, 400);
      assert.equal(response.json<ErrorBody>().details.length, 1);
    });

    it('answers 415 for a body that is not declared as JSON', async () => {
      for (const contentType of ['text/plain', 'text/csv', 'application/x-www-form-urlencoded']) {
        const response = await app.inject({
          method: 'POST',
          url: '/predict',
          headers: { 'content-type': contentType },
          payload: JSON.stringify({ records: RECORDS }),
        });
        assert.equal(response.statusCode, 415, contentType);
        assert.match(response.json<ErrorBody>().error, /application\/json/);
      }
    });

    it('answers 404 in the error shape for an unknown route', async () => {
      const response = await app.inject({ method: 'GET', url: '/predict' });
      assert.equal(response.statusCode, 404);
      assert.deepEqual(response.json(), { error: 'Route GET /predict not found', details: [] });
    });
  });

  it('answers 413 for a body over the limit', async () => {
    await start({ bodyLimit: 2048 });
    const response = await predict({ records: Array.from({ length: 50 }, () => RECORDS[0]) });
    assert.equal(response.statusCode, 413);
    const body = response.json<ErrorBody>();
    assert.match(body.error, /too large/i);
    assert.equal(body.details.length, 1);
  });

  it('answers 400 for more records than maxRecords', async () => {
    await start({ maxRecords: 3 });
    const response = await predict({ records: RECORDS });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json<ErrorBody>().details[0]?.field, 'records');
  });

  it('reports every bad row, capped at 100 details', async () => {
    await start();
    const records = Array.from({ length: 150 }, (_, i) => ({ ...RECORDS[0], tenure: i % 2 === 0 ? 'x' : 3 }));
    const response = await predict({ records });
    assert.equal(response.statusCode, 400);
    const body = response.json<ErrorBody>();
    assert.equal(body.details.length, 75);
    assert.deepEqual(
      body.details.slice(0, 3).map((d) => d.row),
      [0, 2, 4],
    );
    const many = await predict({ records: Array.from({ length: 150 }, () => ({})) });
    assert.equal(many.json<ErrorBody>().details.length, 100);
    assert.match(many.json<ErrorBody>().error, /750 problems \(the first 100 listed\)/);
  });

  describe('default model', () => {
    const modelOf = async (response: Promise<LightMyRequestResponse>) => (await response).json<PredictBody>().model;

    it('is the only model served when none is configured', async () => {
      await start({ serve: [['other', 1]] });
      assert.deepEqual(await modelOf(predict({ records: RECORDS })), { name: 'other', version: 1 });
    });

    it('is ambiguous with several models served: 400 naming them', async () => {
      await start({
        serve: [
          ['churn', 1],
          ['other', 1],
        ],
      });
      const response = await predict({ records: RECORDS });
      assert.equal(response.statusCode, 400);
      const body = response.json<ErrorBody>();
      assert.match(body.error, /"churn", "other"/);
      assert.equal(body.details[0]?.field, 'model');
      assert.deepEqual(await modelOf(predict({ model: 'other', records: RECORDS })), { name: 'other', version: 1 });
    });

    it('is the configured model (MLCYCLE_MODEL) even with several served', async () => {
      await start({
        serve: [
          ['churn', 2],
          ['other', 1],
        ],
        defaultModel: 'churn',
      });
      assert.deepEqual(await modelOf(predict({ records: RECORDS })), { name: 'churn', version: 2 });
    });
  });

  describe('readiness', () => {
    it('is 503 until a model is served, then 200, and /predict follows it', async () => {
      await start({ serve: [] });
      assert.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200);
      const notReady = await app.inject({ method: 'GET', url: '/health/ready' });
      assert.equal(notReady.statusCode, 503);
      assert.deepEqual(notReady.json(), { error: 'No model is loaded yet', details: [] });
      assert.equal((await predict({ records: RECORDS })).statusCode, 503);
      assert.equal((await predict({ records: [] })).statusCode, 400, 'a bad request is still a 400');

      source.setServing('churn', 1);
      await pool.refresh();
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ready', models: [{ name: 'churn', version: 1 }] });
      assert.equal((await predict({ records: RECORDS })).statusCode, 200);
    });
  });
});
