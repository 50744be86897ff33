import type { ErrorBody } from '../../contracts/http';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ScoringClient } from '../../activities/scoring-client';
import { PredictionLogWriter } from '../../monitoring/prediction-log';
import type { ModelVersionRecord } from '../../registry/types';
import { NO_LOG_HEADER } from '../../contracts/http';
import { buildScoringApp } from '../../serving/app';
import { ModelPool } from '../../serving/model-pool';
import { startScoringServer } from '../../serving/server';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS } from './helpers';

const TOKEN = 'admin-s3cret';

describe('the no-log header of deploy smoke tests', () => {
  let fixture: Fixture;
  let v1: ModelVersionRecord;
  let home: string;
  let log: PredictionLogWriter;
  let pool: ModelPool;
  let app: FastifyInstance;

  before(async () => {
    fixture = await createFixture();
    v1 = await fixture.version('churn', 1);
  });
  after(() => fixture.cleanup());

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'mlcycle-nolog-'));
    log = PredictionLogWriter.open(home, { flushIntervalMs: 60_000 });
    pool = new ModelPool({ source: new InMemorySource().add(v1).setServing('churn', 1) });
    await pool.refresh();
  });
  afterEach(async () => {
    await app.close();
    await pool.close();
    log.close();
    await rm(home, { recursive: true, force: true });
  });

  async function start(adminToken?: string): Promise<void> {
    app = buildScoringApp({ pool, predictionLog: log, adminToken });
    await app.ready();
  }
  const logged = () => log.stats().queued + log.stats().written;
  const predict = (headers: Record<string, string>, remoteAddress?: string) =>
    app.inject({ method: 'POST', url: '/predict', payload: { records: RECORDS }, headers, remoteAddress });

  describe('with an admin token configured', () => {
    beforeEach(() => start(TOKEN));

    it('skips the log for a request that carries the admin token', async () => {
      const response = await predict({ [NO_LOG_HEADER]: '1', authorization: `Bearer ${TOKEN}` });
      assert.equal(response.statusCode, 200);
      assert.equal(logged(), 0);
    });

    for (const [what, headers] of [
      ['no token', { [NO_LOG_HEADER]: '1' }],
      ['a wrong token', { [NO_LOG_HEADER]: '1', authorization: 'Bearer guess' }],
    ] as const) {
      it(`refuses the header with 403 for ${what}, scoring and logging nothing, even from this host`, async () => {
        const response = await predict(headers);
        assert.equal(response.statusCode, 403);
        const body = response.json<ErrorBody>();
        assert.match(body.error, /only for the deploy step's smoke test.*Authorization: Bearer/);
        assert.equal(body.details[0]?.field, NO_LOG_HEADER);
        assert.equal(logged(), 0);
      });
    }

    it('logs a request without the header, or with any other value, as usual', async () => {
      assert.equal((await predict({})).statusCode, 200);
      assert.equal((await predict({ [NO_LOG_HEADER]: '0' })).statusCode, 200);
      assert.equal(logged(), 2 * RECORDS.length);
    });
  });

  describe('without an admin token (a dev setup)', () => {
    beforeEach(() => start(undefined));

    it('honours the header from a client on the same host (IPv4, IPv6 and IPv4-mapped loopback)', async () => {
      for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
        assert.equal((await predict({ [NO_LOG_HEADER]: '1' }, address)).statusCode, 200, address);
      }
      assert.equal(logged(), 0);
    });

    it('refuses the header from any other client with 403 saying why, logging nothing', async () => {
      const response = await predict({ [NO_LOG_HEADER]: '1' }, '10.20.30.40');
      assert.equal(response.statusCode, 403);
      assert.match(response.json<ErrorBody>().error, /no MLCYCLE_ADMIN_TOKEN.*own host/);
      assert.equal(logged(), 0);
      assert.equal((await predict({}, '10.20.30.40')).statusCode, 200, 'the same client without the header is served');
      assert.equal(logged(), RECORDS.length);
    });
  });

  it("lets the deploy step's client skip the log over real HTTP with the token, and refuses it a wrong one", async () => {
    app = buildScoringApp({ pool, predictionLog: log });
    await app.ready();
    const server = await startScoringServer({
      host: '127.0.0.1',
      port: 0,
      source: new InMemorySource().add(v1).setServing('churn', 1),
      predictionLog: log,
      adminToken: TOKEN,
      refreshIntervalMs: 60_000,
    });
    try {
      const probabilities = await new ScoringClient(server.url, TOKEN).predict('churn', 1, RECORDS);
      assert.equal(probabilities.length, RECORDS.length);
      assert.equal(logged(), 0);
      await assert.rejects(new ScoringClient(server.url, 'wrong').predict('churn', 1, RECORDS), {
        name: 'ScoringHttpError',
        status: 403,
      });
      assert.equal(logged(), 0);
    } finally {
      await server.close();
    }
  });
});
