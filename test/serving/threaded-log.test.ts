import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PredictionLogReader, ThreadedPredictionLog } from '../../monitoring/prediction-log';
import { predictionLogPath } from '../../monitoring/prediction-log/schema';
import { startScoringServer } from '../../serving/server';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS } from './helpers';

const FAR = Date.parse('2100-01-01T00:00:00.000Z');

describe('the scoring server with its prediction log in a thread, over real HTTP', () => {
  let fixture: Fixture;
  let home: string;

  before(async () => {
    fixture = await createFixture();
    home = await mkdtemp(join(tmpdir(), 'mlcycle-threaded-log-'));
  });
  after(async () => {
    await fixture.cleanup();
    await rm(home, { recursive: true, force: true });
  });

  it('logs what /predict answered, takes /feedback for it at once, answers 503 while the log is locked, and loses nothing on stop', async () => {
    const log = await ThreadedPredictionLog.open(home, { flushIntervalMs: 60_000, busyTimeoutMs: 20 });
    const server = await startScoringServer({
      host: '127.0.0.1',
      port: 0,
      source: new InMemorySource().add(await fixture.version('churn', 1)).setServing('churn', 1),
      predictionLog: log,
    });
    const post = (url: string, body: object) =>
      fetch(`${server.url}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    let ids: string[];
    try {
      const predicted = await post('/predict', { records: RECORDS.slice(0, 3) });
      assert.equal(predicted.status, 200);
      ids = ((await predicted.json()) as { predictions: { id: string }[] }).predictions.map((p) => p.id);
      const feedback = await post('/feedback', { labels: [{ id: ids[0], label: 'Yes' }] });
      assert.equal(feedback.status, 200);
      assert.deepEqual(await feedback.json(), { accepted: 1, unknown: [] });

      const holder = new Database(predictionLogPath(home));
      holder.exec('BEGIN IMMEDIATE');
      try {
        const busy = await post('/feedback', { labels: [{ id: ids[1], label: 0 }] });
        assert.equal(busy.status, 503);
        assert.match(((await busy.json()) as { error: string }).error, /busy; retry/);
      } finally {
        holder.exec('ROLLBACK');
        holder.close();
      }
      // More predictions, never written before the stop: closing the log writes them.
      assert.equal((await post('/predict', { records: RECORDS.slice(3, 5) })).status, 200);
    } finally {
      await server.close();
      await log.close();
    }
    const reader = PredictionLogReader.open(home);
    try {
      assert.equal(reader.readWindow('churn', { to: FAR }).rows, 5);
      const labelled = reader.readLabelled('churn', { to: FAR });
      assert.deepEqual(labelled.ids, [ids[0]]);
      assert.deepEqual(labelled.labels, [1]);
    } finally {
      reader.close();
    }
  });
});
