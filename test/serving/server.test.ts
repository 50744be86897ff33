import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import type { ModelVersionRecord } from '../../registry/types';
import { startScoringServer } from '../../serving/server';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS, referenceProbabilities } from './helpers';
import { waitFor } from '../helpers/wait-for';

const CLIENTS = 8;

interface Answer {
  status: number;
  startedAt: number;
  version: number;
  probability: number;
  row: number;
}

interface PredictJson {
  model?: { name: string; version: number };
  predictions?: { probability: number }[];
}

async function post(url: string, body: unknown, method = 'POST'): Promise<{ status: number; json: PredictJson }> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as PredictJson };
}

describe('scoring server over real HTTP', () => {
  let fixture: Fixture;
  let v1: ModelVersionRecord;
  let v2: ModelVersionRecord;

  before(async () => {
    fixture = await createFixture();
    v1 = await fixture.version('churn', 1);
    v2 = await fixture.version('churn', 2);
  });
  after(() => fixture.cleanup());

  it('starts on a free port, is live and ready, and stops cleanly', async () => {
    const server = await startScoringServer({
      host: '127.0.0.1',
      port: 0,
      source: new InMemorySource().add(v1).setServing('churn', 1),
    });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await fetch(`${server.url}/health/live`)).status, 200);
      assert.equal((await fetch(`${server.url}/health/ready`)).status, 200);
    } finally {
      await server.close();
    }
    await assert.rejects(fetch(`${server.url}/health/live`));
  });

  it('loses no request while a new version is promoted under 8 concurrent clients, and then answers with it', async () => {
    const source = new InMemorySource().add(v1).add(v2).setServing('churn', 1);
    const server = await startScoringServer({ host: '127.0.0.1', port: 0, source, refreshIntervalMs: 60_000 });
    const answers: Answer[] = [];
    const failures: unknown[] = [];
    let promotedAt = Infinity;
    let stop = false;
    const afterPromotion = () => answers.filter((a) => a.startedAt > promotedAt).length;

    const client = async (id: number) => {
      for (let n = 0; !stop; n++) {
        const row = (id + n) % RECORDS.length;
        const startedAt = performance.now();
        try {
          const { status, json } = await post(`${server.url}/predict`, { records: [RECORDS[row]] });
          answers.push({
            status,
            startedAt,
            row,
            version: json.model?.version ?? -1,
            probability: json.predictions?.[0]?.probability ?? Number.NaN,
          });
        } catch (error) {
          failures.push(error);
        }
      }
    };

    try {
      const clients = Array.from({ length: CLIENTS }, (_, id) => client(id));
      await waitFor(() => answers.length >= 200, { what: '200 answers before the promotion' });
      const promoted = await post(`${server.url}/admin/models/churn/serving`, { version: 2 }, 'PUT');
      promotedAt = performance.now();
      assert.equal(promoted.status, 200);
      await waitFor(() => afterPromotion() >= 200, { what: '200 answers after the promotion' });
      stop = true;
      await Promise.all(clients);

      assert.deepEqual(failures, []);
      assert.deepEqual(
        answers.filter((a) => a.status !== 200),
        [],
      );
      assert.ok(answers.some((a) => a.version === 1) && answers.some((a) => a.version === 2));
      assert.deepEqual(
        answers.filter((a) => a.startedAt > promotedAt && a.version !== 2),
        [],
      );
      const expected = { 1: referenceProbabilities(1, RECORDS), 2: referenceProbabilities(2, RECORDS) };
      for (const a of answers) {
        const reference = expected[a.version as 1 | 2][a.row] as number;
        assert.ok(Math.abs(a.probability - reference) < 1e-5, `v${a.version} row ${a.row}`);
      }
      const models = (await (await fetch(`${server.url}/admin/models`)).json()) as {
        models: { loaded: { version: number }[] }[];
      };
      assert.deepEqual(
        models.models[0]?.loaded.map((l) => l.version),
        [2],
        'the replaced version was released',
      );
    } finally {
      stop = true;
      await server.close();
    }
  });

  it('follows the registry on its own, as an extra replica does', async () => {
    const source = new InMemorySource().add(v1).add(v2);
    const server = await startScoringServer({ host: '127.0.0.1', port: 0, source, refreshIntervalMs: 20 });
    const servedVersion = async () => {
      const response = await fetch(`${server.url}/health/ready`);
      return response.status === 200
        ? ((await response.json()) as { models: { version: number }[] }).models[0]?.version
        : undefined;
    };
    try {
      assert.equal(await servedVersion(), undefined);
      source.setServing('churn', 1);
      await waitFor(async () => (await servedVersion()) === 1);
      source.setServing('churn', 2);
      await waitFor(async () => (await servedVersion()) === 2);
      const { json } = await post(`${server.url}/predict`, { records: RECORDS });
      assert.deepEqual(json.model, { name: 'churn', version: 2 });
    } finally {
      await server.close();
    }
  });
});
