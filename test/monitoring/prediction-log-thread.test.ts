import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  PredictionLogReader,
  PredictionLogThreadError,
  PredictionLogWriter,
  ThreadedPredictionLog,
} from '../../monitoring/prediction-log';
import type { PredictionLogEntry, PredictionLogOptions } from '../../monitoring/prediction-log';
import { predictionLogPath } from '../../monitoring/prediction-log/schema';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const FAR = Date.parse('2100-01-01T00:00:00.000Z');

function entry(i: number, overrides: Partial<PredictionLogEntry> = {}): PredictionLogEntry {
  return {
    id: `p-${i}`,
    modelName: 'churn',
    version: 1,
    time: T0 + i * 1000,
    probability: (i % 100) / 100,
    features: { tenure: i, Contract: 'One year' },
    positiveLabel: 'Yes',
    ...overrides,
  };
}

const range = (n: number, start = 0) => Array.from({ length: n }, (_, i) => start + i);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the prediction log written from a thread', () => {
  let home: string;
  const opened: ThreadedPredictionLog[] = [];
  const open = async (options: PredictionLogOptions = {}) => {
    const log = await ThreadedPredictionLog.open(home, { flushIntervalMs: 60_000, ...options });
    opened.push(log);
    return log;
  };
  /** Ids in the file, as another process reads it. */
  const storedIds = () => {
    const db = new Database(predictionLogPath(home), { readonly: true });
    try {
      return db.prepare<[], string>('SELECT id FROM predictions ORDER BY time, seq').pluck().all();
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'mlcycle-predlog-thread-'));
  });
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    await rm(home, { recursive: true, force: true });
  });

  it('writes every entry appended before close, across many turns and batches, and drops none', async () => {
    const log = await open({ maxBatch: 700 });
    for (let turn = 0; turn < 10; turn++) {
      log.append(range(500, turn * 500).map((i) => entry(i)));
      await nextTurn();
    }
    await log.close();
    const ids = storedIds();
    assert.equal(ids.length, 5_000);
    assert.deepEqual(ids.slice(0, 2), ['p-0', 'p-1']);
    assert.equal(ids.at(-1), 'p-4999');
    const stats = log.stats();
    assert.equal(stats.written, 5_000);
    assert.equal(stats.dropped, 0);
    assert.equal(stats.queued, 0);
  });

  it('answers feedback sent in the same turn as its prediction: the thread takes the prediction first', async () => {
    const log = await open();
    log.append([entry(1), entry(2)]);
    const result = await log.recordFeedback([
      { id: 'p-1', label: 'Yes' },
      { id: 'p-9', label: 0 },
    ]);
    assert.deepEqual(result, { accepted: 1, unknown: ['p-9'], invalid: [] });
    await log.close();
    const reader = PredictionLogReader.open(home);
    try {
      const labelled = reader.readLabelled('churn', { to: FAR });
      assert.deepEqual(labelled.ids, ['p-1']);
      assert.deepEqual(labelled.labels, [1]);
    } finally {
      reader.close();
    }
  });

  it('drops the oldest of a burst beyond maxQueue and counts them, without throwing', async () => {
    const log = await open({ maxQueue: 4 });
    log.append(range(10).map((i) => entry(i)));
    assert.equal(log.stats().dropped, 6);
    assert.equal(log.stats().queued, 4);
    await log.close();
    assert.deepEqual(storedIds(), ['p-6', 'p-7', 'p-8', 'p-9']);
    assert.equal(log.stats().dropped, 6);
  });

  it('counts malformed entries as rejected and entries appended after close as dropped', async () => {
    const log = await open();
    log.append([entry(1), { ...entry(2), probability: Number.NaN }]);
    await log.close();
    log.append([entry(3)]);
    assert.deepEqual(storedIds(), ['p-1']);
    assert.equal(log.stats().rejected, 1);
    assert.equal(log.stats().dropped, 1);
  });

  it('prunes by the retention rules in the thread', async () => {
    const log = await open({ retentionDays: 1 });
    log.append([entry(1), entry(2), entry(3, { time: T0 + 3 * DAY })]);
    const pruned = await log.prune(T0 + 3 * DAY + 1);
    assert.deepEqual(pruned, { byAge: 2, byCount: 0 });
    assert.deepEqual((await log.refreshStats()).pruned, { byAge: 2, byCount: 0 });
    assert.deepEqual(storedIds(), ['p-3']);
  });

  it('passes SQLite busy errors back with their code while another connection holds the write lock', async () => {
    const log = await open({ busyTimeoutMs: 20 });
    log.append([entry(1)]);
    await log.flush();
    const holder = new Database(predictionLogPath(home));
    holder.exec('BEGIN IMMEDIATE');
    try {
      await assert.rejects(
        log.recordFeedback([{ id: 'p-1', label: 1 }]),
        (error: unknown) => error instanceof PredictionLogThreadError && error.code === 'SQLITE_BUSY',
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    assert.deepEqual(await log.recordFeedback([{ id: 'p-1', label: 1 }]), { accepted: 1, unknown: [], invalid: [] });
  });

  it('refuses, when it opens, a log a newer mlcycle migrated, and a limit that is not a positive integer', async () => {
    PredictionLogWriter.open(home).close();
    const db = new Database(predictionLogPath(home));
    db.pragma('user_version = 999');
    db.close();
    await assert.rejects(ThreadedPredictionLog.open(home), /schema version 999, newer than/);
    await assert.rejects(ThreadedPredictionLog.open(home, { maxQueue: 0 }), /maxQueue must be a positive number/);
  });
});
