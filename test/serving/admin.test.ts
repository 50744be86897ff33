import type { ErrorBody } from '../../contracts/http';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ModelVersionRecord } from '../../registry/types';
import { buildScoringApp } from '../../serving/app';
import { ModelPool } from '../../serving/model-pool';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS } from './helpers';

describe('admin routes', () => {
  let fixture: Fixture;
  let v1: ModelVersionRecord;
  let v2: ModelVersionRecord;
  let corrupted: ModelVersionRecord;
  let pool: ModelPool;
  let app: FastifyInstance;

  before(async () => {
    fixture = await createFixture();
    v1 = await fixture.version('churn', 1);
    v2 = await fixture.version('churn', 2);
    // Version 3's file no longer hashes to what the registry recorded (a flipped last byte).
    const copy = await fixture.version('churn', 1);
    const bytes = await readFile(copy.artifactPath);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
    const path = `${copy.artifactPath}.corrupted`;
    await writeFile(path, bytes);
    corrupted = { ...copy, version: 3, artifactPath: path };
  });
  after(() => fixture.cleanup());

  beforeEach(async () => {
    pool = new ModelPool({ source: new InMemorySource().add(v1).add(v2).add(corrupted).setServing('churn', 1) });
    await pool.refresh();
    app = buildScoringApp({ pool });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await pool.close();
  });

  const servedVersion = async () => {
    const response = await app.inject({ method: 'POST', url: '/predict', payload: { records: RECORDS } });
    assert.equal(response.statusCode, 200);
    return response.json<{ model: { version: number } }>().model.version;
  };

  it('loads a version without serving it and answers its sha256', async () => {
    const response = await app.inject({ method: 'POST', url: '/admin/models/churn/versions/2/load' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { name: 'churn', version: 2, sha256: v2.artifactSha256 });
    assert.equal(await servedVersion(), 1);
    const models = (await app.inject({ method: 'GET', url: '/admin/models' })).json<{ models: unknown }>();
    assert.deepEqual(models, {
      models: [
        {
          name: 'churn',
          serving: 1,
          loaded: [
            { version: 1, sha256: v1.artifactSha256, staged: false, onDemand: false, serving: true, inFlight: 0 },
            { version: 2, sha256: v2.artifactSha256, staged: true, onDemand: false, serving: false, inFlight: 0 },
          ],
        },
      ],
    });
  });

  it('promotes a version so the next requests answer with it', async () => {
    const response = await app.inject({ method: 'PUT', url: '/admin/models/churn/serving', payload: { version: 2 } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { name: 'churn', version: 2, previous: 1 });
    assert.equal(await servedVersion(), 2);
  });

  it('answers 404 for an unknown model or version', async () => {
    for (const [method, url, payload] of [
      ['POST', '/admin/models/churn/versions/9/load', undefined],
      ['POST', '/admin/models/nope/versions/1/load', undefined],
      ['PUT', '/admin/models/churn/serving', { version: 9 }],
    ] as const) {
      const response = await app.inject({ method, url, payload });
      assert.equal(response.statusCode, 404, url);
      assert.match(response.json<ErrorBody>().error, /has no version/);
    }
  });

  it('answers 400 naming the field for a malformed version', async () => {
    const load = await app.inject({ method: 'POST', url: '/admin/models/churn/versions/two/load' });
    assert.equal(load.statusCode, 400);
    assert.equal(load.json<ErrorBody>().details[0]?.field, 'version');
    const promote = await app.inject({ method: 'PUT', url: '/admin/models/churn/serving', payload: {} });
    assert.equal(promote.statusCode, 400);
    assert.equal(promote.json<ErrorBody>().details[0]?.field, 'version');
  });

  it('takes a version only as a JSON number, as /predict does: "2", 2.5, 0 and -1 are refused with the same rule', async () => {
    for (const version of ['2', 2.5, 0, -1, null, true]) {
      const promote = await app.inject({ method: 'PUT', url: '/admin/models/churn/serving', payload: { version } });
      assert.equal(promote.statusCode, 400, JSON.stringify(version));
      const predict = await app.inject({ method: 'POST', url: '/predict', payload: { version, records: RECORDS } });
      assert.equal(predict.statusCode, 400, JSON.stringify(version));
      const [promoted, predicted] = [promote, predict].map((r) => r.json<ErrorBody>().details[0]);
      assert.equal(promoted?.field, 'version');
      assert.equal(promoted?.message, predicted?.message);
      assert.match(promoted?.message ?? '', /positive integer written as a JSON number/);
    }
    assert.equal(pool.servingVersion('churn'), 1);
  });

  it('refuses an artifact that fails its sha256 check and keeps serving the old version', async () => {
    const load = await app.inject({ method: 'POST', url: '/admin/models/churn/versions/3/load' });
    assert.equal(load.statusCode, 409);
    assert.match(load.json<ErrorBody>().error, /failed its sha256 check.*expected [0-9a-f]{64}/);
    const promote = await app.inject({ method: 'PUT', url: '/admin/models/churn/serving', payload: { version: 3 } });
    assert.equal(promote.statusCode, 409);
    assert.equal(pool.servingVersion('churn'), 1);
    assert.equal(await servedVersion(), 1);
    const asked = await app.inject({ method: 'POST', url: '/predict', payload: { version: 3, records: RECORDS } });
    assert.equal(asked.statusCode, 409);
  });

  it('refuses admin calls without the admin token when one is set, and leaves /predict open', async () => {
    const guarded = buildScoringApp({ pool, adminToken: 's3cret' });
    await guarded.ready();
    try {
      const url = '/admin/models/churn/versions/2/load';
      const anonymous = await guarded.inject({ method: 'POST', url });
      assert.equal(anonymous.statusCode, 401);
      assert.match(anonymous.json<ErrorBody>().error, /Authorization: Bearer/);
      const wrong = await guarded.inject({ method: 'POST', url, headers: { authorization: 'Bearer nope' } });
      assert.equal(wrong.statusCode, 401);
      const allowed = await guarded.inject({ method: 'POST', url, headers: { authorization: 'Bearer s3cret' } });
      assert.equal(allowed.statusCode, 200);
      const predict = await guarded.inject({ method: 'POST', url: '/predict', payload: { records: RECORDS } });
      assert.equal(predict.statusCode, 200);
    } finally {
      await guarded.close();
    }
  });
});
