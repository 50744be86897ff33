import type { ErrorBody } from '../../contracts/http';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { RawTable } from '../../models/types';
import { buildBaseline } from '../../monitoring/baseline';
import type { ModelVersionRecord } from '../../registry/types';
import { buildScoringApp } from '../../serving/app';
import { ModelPool } from '../../serving/model-pool';
import type { ModelSchema } from '../../serving/model-schema';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS, referenceProbabilities, SPEC } from './helpers';

/** The fixture records as a CSV would read them: one string per cell, '' for a blank. */
function tableOf(): RawTable {
  const header = SPEC.inputs.map((input) => input.name);
  const columns = Object.fromEntries(
    header.map((name) => [
      name,
      RECORDS.map((record) => (record[name] === null ? '' : String(record[name] as string | number))),
    ]),
  );
  return { header, rowCount: RECORDS.length, columns };
}

describe('GET /models/{name}', () => {
  let fixture: Fixture;
  let v1: ModelVersionRecord;
  let v2: ModelVersionRecord;
  let v3: ModelVersionRecord;
  let source: InMemorySource;
  let pool: ModelPool;
  let app: FastifyInstance;

  before(async () => {
    fixture = await createFixture();
    v1 = await fixture.version('churn', 1, {
      params: { algorithm: 'logistic', idColumn: 'customerID' },
      threshold: 0.31,
    });
    v2 = await fixture.version('churn', 2);
    v3 = { ...(await fixture.version('churn', 2)), version: 3 };
    const rows = RECORDS.map((_, i) => i);
    const baseline = buildBaseline(
      tableOf(),
      SPEC,
      rows,
      referenceProbabilities(1, RECORDS),
      { rocAuc: 0.8, logLoss: 0.45, brier: 0.14, positiveRate: 0.3 },
      { modelName: 'churn', seed: 7 },
    );
    const text = JSON.stringify(baseline);
    const path = join(fixture.dir, 'churn-1.baseline.json');
    await writeFile(path, text);
    source = new InMemorySource().add(v1).add(v2).add(v3).setServing('churn', 1);
    source.addBaseline('churn', 1, { path, sha256: createHash('sha256').update(text).digest('hex') });
    // Version 3's baseline no longer matches its recorded hash.
    source.addBaseline('churn', 3, { path, sha256: '0'.repeat(64) });
  });
  after(() => fixture.cleanup());

  beforeEach(async () => {
    pool = new ModelPool({ source });
    await pool.refresh();
    app = buildScoringApp({ pool });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await pool.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('answers the serving version: columns in order with types, levels, training ranges, and the model facts', async () => {
    const response = await get('/models/churn');
    assert.equal(response.statusCode, 200, response.body);
    const schema = response.json<ModelSchema>();
    assert.deepEqual(
      schema.columns.map((column) => [column.name, column.type]),
      SPEC.inputs.map((input) => [input.name, input.kind]),
    );
    const tenure = schema.columns.find((column) => column.name === 'tenure');
    assert.ok(tenure?.type === 'numeric');
    assert.equal(tenure.min, 0);
    assert.equal(tenure.max, 72);
    assert.equal(tenure.quantiles?.[0], 0);
    assert.equal(tenure.quantiles?.at(-1), 72);
    assert.equal(tenure.impute, 29);
    const totals = schema.columns.find((column) => column.name === 'TotalCharges');
    assert.ok(totals?.type === 'numeric');
    assert.equal(totals.blankShare, 2 / 6, 'two of the six training values were blank');
    const internet = schema.columns.find((column) => column.name === 'InternetService');
    assert.ok(internet?.type === 'categorical');
    assert.deepEqual(internet.levels, ['', 'DSL', 'Fiber optic', 'No']);
    assert.equal(internet.levelShares?.DSL, 2 / 6);
    assert.deepEqual(
      {
        name: schema.name,
        version: schema.version,
        servingVersion: schema.servingVersion,
        target: schema.target,
        positiveLabel: schema.positiveLabel,
        idColumn: schema.idColumn,
        threshold: schema.threshold,
        algorithm: schema.algorithm,
        rocAuc: schema.metrics.rocAuc,
        baselineRows: schema.training.baselineRows,
        notes: schema.notes,
      },
      {
        name: 'churn',
        version: 1,
        servingVersion: 1,
        target: 'Churn',
        positiveLabel: 'Yes',
        idColumn: 'customerID',
        threshold: 0.31,
        algorithm: 'logistic',
        rocAuc: 0.8,
        baselineRows: 6,
        notes: [],
      },
    );
  });

  it('answers any registered version by number, and says what it cannot tell when the baseline is missing or altered', async () => {
    const second = await get('/models/churn/versions/2');
    assert.equal(second.statusCode, 200);
    const schema = second.json<ModelSchema>();
    assert.deepEqual([schema.version, schema.servingVersion], [2, 1]);
    const tenure = schema.columns.find((column) => column.name === 'tenure');
    assert.ok(tenure?.type === 'numeric');
    assert.deepEqual([tenure.min, tenure.max, tenure.quantiles], [null, null, null]);
    assert.match(schema.notes.join(' '), /no drift baseline stored/);
    // The register step stores the baseline just after the version: a later request sees it.
    const churn1 = source.getBaseline('churn', 1);
    assert.ok(churn1);
    source.addBaseline('churn', 2, churn1);
    const later = (await get('/models/churn/versions/2')).json<ModelSchema>();
    assert.deepEqual(later.notes, []);
    assert.equal(later.training.baselineRows, 6);
    const third = (await get('/models/churn/versions/3')).json<ModelSchema>();
    assert.match(third.notes.join(' '), /fails its sha256 check/);
    assert.equal(pool.servingVersion('churn'), 1, 'describing a version neither loads nor promotes it');
    assert.deepEqual(
      pool.describe()[0]?.loaded.map((loaded) => loaded.version),
      [1],
    );
  });

  it('answers 404 in the error shape for an unknown model or version, 400 naming "version" for a malformed one', async () => {
    for (const url of ['/models/nope', '/models/nope/versions/1', '/models/churn/versions/9']) {
      const response = await get(url);
      assert.equal(response.statusCode, 404, url);
      const body = response.json<ErrorBody>();
      assert.match(body.error, /"(nope|churn)"/);
      assert.ok(Array.isArray(body.details));
    }
    for (const version of ['0', '-1', '1.5', 'latest', '01']) {
      const response = await get(`/models/churn/versions/${version}`);
      assert.equal(response.statusCode, 400, version);
      assert.equal(response.json<ErrorBody>().details[0]?.field, 'version');
    }
  });
});
