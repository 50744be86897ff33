import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parseLabel } from '../../monitoring/prediction-log/labels';
import { PredictionLogReader, PredictionLogWriter } from '../../monitoring/prediction-log';
import type { PredictionLogEntry, PredictionLogOptions } from '../../monitoring/prediction-log';
import { waitFor } from '../helpers/wait-for';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2025-03-01T00:00:00.000Z');

/** A Telco record: the 19 raw feature columns, varied by `i`. */
function telco(i: number): Record<string, unknown> {
  const pick = <T>(values: T[]): T => values[i % values.length] as T;
  return {
    gender: pick(['Female', 'Male']),
    SeniorCitizen: i % 7 === 0 ? 1 : 0,
    Partner: pick(['Yes', 'No', 'No']),
    Dependents: pick(['No', 'Yes', 'No', 'No']),
    tenure: i % 73,
    PhoneService: pick(['Yes', 'Yes', 'No']),
    MultipleLines: pick(['No', 'Yes', 'No phone service']),
    InternetService: pick(['DSL', 'Fiber optic', 'No']),
    OnlineSecurity: pick(['No', 'Yes', 'No internet service']),
    OnlineBackup: pick(['Yes', 'No']),
    DeviceProtection: pick(['No', 'Yes']),
    TechSupport: pick(['No', 'No', 'Yes']),
    StreamingTV: pick(['Yes', 'No']),
    StreamingMovies: pick(['No', 'Yes']),
    Contract: pick(['Month-to-month', 'One year', 'Two year']),
    PaperlessBilling: pick(['Yes', 'No']),
    PaymentMethod: pick(['Electronic check', 'Mailed check', 'Bank transfer (automatic)', 'Credit card (automatic)']),
    MonthlyCharges: 18.25 + (i % 100),
    TotalCharges: i % 50 === 0 ? '' : ((i % 73) * 64.76).toFixed(2),
  };
}

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
/** One turn of the event loop: a write `append` scheduled for a full batch (`setImmediate`) has run after it. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the prediction log', () => {
  let home: string;
  const opened: PredictionLogWriter[] = [];
  let reader: PredictionLogReader | undefined;
  /** Opens a writer on the test's home; the timer is slow unless a test asks, so writes happen when a test says. */
  const open = (options: PredictionLogOptions = {}) => {
    const log = PredictionLogWriter.open(home, { flushIntervalMs: 60_000, ...options });
    opened.push(log);
    return log;
  };
  /** What `log` has queued, written and read back through a reader, as a worker reads it. */
  const stored = (log: PredictionLogWriter): PredictionLogReader => {
    log.flush();
    reader ??= PredictionLogReader.open(home);
    return reader;
  };
  /** Rows as another process sees them, through its own connection. */
  const storedIds = () => {
    const db = new Database(join(home, 'monitoring', 'predictions.sqlite'), { readonly: true });
    try {
      return db.prepare<[], string>('SELECT id FROM predictions ORDER BY time, seq').pluck().all();
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'mlcycle-predlog-'));
  });
  afterEach(async () => {
    for (const log of opened.splice(0)) log.close();
    reader?.close();
    reader = undefined;
    await rm(home, { recursive: true, force: true });
  });

  describe('readWindow', () => {
    it('returns the rows with from < time <= to, oldest first, as columns with null where a row lacks a feature', () => {
      const log = open();
      log.append([
        entry(0),
        entry(1, { features: { tenure: 5, Contract: 'Two year' } }),
        entry(2, { features: { tenure: '7', MonthlyCharges: 70.5 }, version: 2 }),
        entry(3, { features: { Contract: null, MonthlyCharges: 20 } }),
        entry(4),
        entry(2, { id: 'other-model', modelName: 'other' }),
      ]);
      const window = stored(log).readWindow('churn', { from: T0, to: new Date(T0 + 3000).toISOString() });
      assert.equal(window.rows, 3);
      assert.equal(window.from, new Date(T0).toISOString());
      assert.equal(window.to, new Date(T0 + 3000).toISOString());
      assert.deepEqual(window.columns, {
        tenure: [5, '7', null],
        Contract: ['Two year', null, null],
        MonthlyCharges: [null, 70.5, 20],
      });
      assert.deepEqual(window.probabilities, [0.01, 0.02, 0.03]);
      assert.deepEqual(window.versions, [1, 2]);
      assert.deepEqual(window.labelled, []);
    });

    it('reads from the beginning without from, keeps the newest `limit` rows and filters by version', () => {
      const log = open();
      log.append(range(10).map((i) => entry(i, { version: i < 5 ? 1 : 2 })));
      const all = stored(log).readWindow('churn', { to: T0 + 10_000 });
      assert.equal(all.rows, 10);
      assert.equal(all.from, new Date(0).toISOString());
      const newest = stored(log).readWindow('churn', { to: T0 + 10_000, limit: 3 });
      assert.deepEqual(newest.columns.tenure, [7, 8, 9]);
      const v1 = stored(log).readWindow('churn', { to: T0 + 10_000, version: 1 });
      assert.deepEqual(v1.columns.tenure, [0, 1, 2, 3, 4]);
      assert.deepEqual(v1.versions, [1]);
      assert.equal(stored(log).readWindow('nobody', { to: T0 + 10_000 }).rows, 0);
    });

    it('refuses a time it cannot read and a limit that is not a positive integer', () => {
      const log = open();
      assert.throws(() => stored(log).readWindow('churn', { to: 'yesterday' }), RangeError);
      assert.throws(() => stored(log).readWindow('churn', { to: T0, from: Number.NaN }), RangeError);
      assert.throws(() => stored(log).readWindow('churn', { to: T0, limit: 0 }), RangeError);
    });

    // How fast it reads is measured by `npm run bench:drift`; this checks that a window that size comes back whole.
    it('reads back 100,000 rows of 19 Telco features intact', () => {
      const log = open({ maxQueue: 200_000 });
      const rows = 100_000;
      for (let i = 0; i < rows; i += 2000) {
        log.append(range(2000, i).map((j) => entry(j, { time: T0 + j, features: telco(j) })));
      }
      log.flush();
      const window = stored(log).readWindow('churn', { to: T0 + rows });
      assert.equal(window.rows, rows);
      assert.equal(Object.keys(window.columns).length, 19);
      assert.equal(window.columns.TotalCharges?.[rows - 1], telco(rows - 1).TotalCharges);
      assert.equal(window.columns.PaymentMethod?.[12_345], telco(12_345).PaymentMethod);
    });
  });

  describe('writing', () => {
    it('queues on append and writes on the timer, in one transaction per batch', async () => {
      const log = open({ flushIntervalMs: 20 });
      log.append([entry(0), entry(1)]);
      assert.deepEqual(storedIds(), [], 'append wrote synchronously');
      assert.equal(log.stats().queued, 2);
      await log.whenFlushed();
      assert.deepEqual(storedIds(), ['p-0', 'p-1']);
      assert.deepEqual(log.stats(), {
        queued: 0,
        written: 2,
        dropped: 0,
        rejected: 0,
        writeErrors: 0,
        lastError: null,
        pruned: { byAge: 0, byCount: 0 },
      });
    });

    it('writes as soon as maxBatch entries wait, without waiting for the timer', async () => {
      const log = open({ maxBatch: 10 });
      log.append(range(9).map((i) => entry(i)));
      await nextTurn();
      assert.equal(storedIds().length, 0);
      log.append([entry(9), entry(10), entry(11)]);
      await log.whenFlushed();
      assert.equal(storedIds().length, 12);
    });

    it('bounds its queue by dropping the oldest entries and counting them', () => {
      const log = open({ maxQueue: 5 });
      log.append(range(3).map((i) => entry(i)));
      log.append(range(5, 3).map((i) => entry(i)));
      assert.deepEqual(log.stats().queued, 5);
      assert.deepEqual(log.stats().dropped, 3);
      log.flush();
      assert.deepEqual(storedIds(), ['p-3', 'p-4', 'p-5', 'p-6', 'p-7']);
    });

    it('loses nothing queued when closed, and counts what is appended after', () => {
      const log = open({ maxBatch: 500 });
      log.append(range(5000).map((i) => entry(i)));
      log.close();
      log.append([entry(9999)]);
      assert.equal(log.stats().dropped, 1);
      assert.equal(storedIds().length, 5000);
      const reopened = open();
      assert.equal(stored(reopened).readWindow('churn', { to: T0 + 10_000_000 }).rows, 5000);
    });

    it('rejects malformed entries and counts them, writing the rest', () => {
      const log = open();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      log.append([
        entry(0),
        entry(1, { probability: Number.NaN }),
        entry(2, { id: '' }),
        entry(3, { version: 1.5 }),
        entry(4, { features: cyclic }),
        entry(5),
      ]);
      log.flush();
      assert.deepEqual(storedIds(), ['p-0', 'p-5']);
      assert.equal(log.stats().rejected, 4);
    });

    it('reports a write error through onError, keeps the entries and writes them once the lock is free', () => {
      const errors: string[] = [];
      const log = open({ busyTimeoutMs: 20, onError: (error, during) => errors.push(`${during}: ${error.message}`) });
      const other = new Database(join(home, 'monitoring', 'predictions.sqlite'));
      other.exec('BEGIN IMMEDIATE');
      try {
        log.append([entry(0), entry(1)]);
        assert.doesNotThrow(() => log.flush());
        assert.equal(errors.length, 1);
        assert.match(errors[0] ?? '', /^write: database is locked/);
        assert.equal(log.stats().writeErrors, 1);
        assert.equal(log.stats().queued, 2);
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
      assert.equal(log.flush(), 2);
      assert.deepEqual(storedIds(), ['p-0', 'p-1']);
    });

    it('shares one file between replicas: each writes its own entries, either reads them all', () => {
      const a = open();
      const b = open();
      a.append([entry(0), entry(2)]);
      b.append([entry(1), entry(3)]);
      a.flush();
      b.flush();
      assert.deepEqual(stored(a).readWindow('churn', { to: T0 + 10_000 }).columns.tenure, [0, 1, 2, 3]);
    });
  });

  describe('retention', () => {
    it('prunes rows older than retentionDays', () => {
      const log = open({ retentionDays: 30 });
      const now = T0 + 100 * DAY;
      log.append([
        entry(0, { time: now - 45 * DAY }),
        entry(1, { time: now - 31 * DAY }),
        entry(2, { time: now - 29 * DAY }),
        entry(3, { time: now }),
      ]);
      assert.deepEqual(log.prune(now), { byAge: 2, byCount: 0 });
      assert.deepEqual(storedIds(), ['p-2', 'p-3']);
      assert.deepEqual(log.stats().pruned, { byAge: 2, byCount: 0 });
    });

    it('keeps at most maxRows, deleting the oldest by time whatever order they were written in', () => {
      const log = open({ maxRows: 4 });
      log.append([5, 1, 7, 0, 3, 6, 2].map((i) => entry(i)));
      assert.deepEqual(log.prune(T0), { byAge: 0, byCount: 3 });
      assert.deepEqual(storedIds(), ['p-3', 'p-5', 'p-6', 'p-7']);
      assert.deepEqual(log.prune(T0), { byAge: 0, byCount: 0 });
    });

    it('prunes on its own once pruneIntervalMs has passed', async () => {
      const log = open({ retentionDays: 1, flushIntervalMs: 10, pruneIntervalMs: 20 });
      log.append([entry(0, { time: Date.now() - 2 * DAY }), entry(1, { time: Date.now() })]);
      await waitFor(() => log.stats().pruned.byAge === 1, { what: 'the timer to prune the old row' });
      assert.deepEqual(storedIds(), ['p-1']);
    });
  });

  describe('feedback', () => {
    it('stores labels given as 0/1, booleans, words or the positive class, and shows them in the window', () => {
      const log = open();
      log.append([
        entry(0),
        entry(1),
        entry(2),
        entry(3),
        entry(4, { version: 2, positiveLabel: 'Churned' }),
        entry(5),
      ]);
      const result = log.recordFeedback([
        { id: 'p-0', label: 1 },
        { id: 'p-1', label: false },
        { id: 'p-2', label: ' YES ' },
        { id: 'p-3', label: '0' },
        { id: 'p-4', label: 'churned' },
      ]);
      assert.deepEqual(result, { accepted: 5, unknown: [], invalid: [] });
      const window = stored(log).readWindow('churn', { to: T0 + 10_000 });
      assert.deepEqual(window.labelled, [
        { probability: 0, label: 1 },
        { probability: 0.01, label: 0 },
        { probability: 0.02, label: 1 },
        { probability: 0.03, label: 0 },
        { probability: 0.04, label: 1 },
      ]);
    });

    it('lets later feedback for an id replace the earlier one', () => {
      const log = open();
      log.append([entry(0)]);
      log.recordFeedback([{ id: 'p-0', label: 1 }]);
      assert.deepEqual(log.recordFeedback([{ id: 'p-0', label: 'No' }]).accepted, 1);
      assert.deepEqual(stored(log).readWindow('churn', { to: T0 + 1 }).labelled, [{ probability: 0, label: 0 }]);
    });

    it('reports ids never logged or already pruned as unknown and stores the others', () => {
      const log = open({ retentionDays: 1 });
      log.append([entry(0, { time: T0 - 2 * DAY }), entry(1)]);
      log.prune(T0);
      const result = log.recordFeedback([
        { id: 'p-0', label: 1 },
        { id: 'p-1', label: 1 },
        { id: 'never', label: 0 },
      ]);
      assert.deepEqual(result, { accepted: 1, unknown: ['p-0', 'never'], invalid: [] });
    });

    it('finds a prediction appended a moment ago that the timer has not written yet', () => {
      const log = open();
      log.append([entry(0)]);
      assert.equal(log.recordFeedback([{ id: 'p-0', label: 1 }]).accepted, 1);
    });

    it('stores nothing when any entry is invalid, and says which and why', () => {
      const log = open();
      log.append([entry(0), entry(1)]);
      const result = log.recordFeedback([
        { id: 'p-0', label: 1 },
        { id: 'p-1', label: 'maybe' },
        { id: 42, label: 1 } as unknown as { id: string; label: unknown },
        { id: 'never', label: 7 },
      ]);
      assert.equal(result.accepted, 0);
      assert.deepEqual(
        result.invalid.map(({ index, field }) => [index, field]),
        [
          [1, 'label'],
          [2, 'id'],
          [3, 'label'],
        ],
      );
      assert.match(result.invalid[0]?.message ?? '', /"maybe" is not understood; send 0\/1, true\/false, "Yes"\/"No"/);
      assert.deepEqual(stored(log).readWindow('churn', { to: T0 + 10_000 }).labelled, []);
    });

    it('returns labelled records with their ids for a retrain, oldest first', () => {
      const log = open();
      log.append([entry(0), entry(1), entry(2)]);
      log.recordFeedback([
        { id: 'p-2', label: 0 },
        { id: 'p-0', label: 1 },
      ]);
      assert.deepEqual(stored(log).readLabelled('churn', { to: T0 + 10_000 }), {
        rows: 2,
        ids: ['p-0', 'p-2'],
        records: [
          { tenure: 0, Contract: 'One year' },
          { tenure: 2, Contract: 'One year' },
        ],
        labels: [1, 0],
      });
    });
  });

  describe('late labels', () => {
    // Two monitor runs: run 1 checks (T0, T0+10 s], run 2 checks (T0+10 s, T0+20 s].
    const RUN1 = T0 + 10_000;
    const RUN2 = T0 + 20_000;
    /** What run `n` evaluates: the window's labels that arrived by its end, plus the late ones. */
    const evaluated = (log: PredictionLogWriter, from: number, to: number) => {
      const window = stored(log).readWindow('churn', { from, to, version: 1, labelsBy: to });
      const late = stored(log).readLateLabels('churn', {
        version: 1,
        labelledFrom: from,
        labelledTo: to,
        windowFrom: from,
        windowTo: to,
      });
      return { window: window.labelled, late: late.labelled, windowTimes: window.labelledTimes, lateTimes: late.times };
    };

    it('counts every label once, in the run during which it arrived, whenever its prediction was made', () => {
      const log = open();
      log.append([entry(1), entry(2), entry(3), entry(12), entry(13)]); // p-1..3 in run 1's window, p-12..13 in run 2's
      log.recordFeedback([{ id: 'p-1', label: 1 }], T0 + 5_000); // arrives during run 1's window
      log.recordFeedback(
        [
          { id: 'p-2', label: 0 }, // late: its window closed at RUN1
          { id: 'p-12', label: 1 },
        ],
        T0 + 15_000,
      );
      log.recordFeedback([{ id: 'p-3', label: 1 }], T0 + 25_000); // after run 2: the next run's

      const first = evaluated(log, T0, RUN1);
      assert.deepEqual(first.window, [{ probability: 0.01, label: 1 }]);
      assert.deepEqual(first.late, []);
      assert.deepEqual(first.windowTimes, [T0 + 1000, T0 + 1000]);

      const second = evaluated(log, RUN1, RUN2);
      assert.deepEqual(second.window, [{ probability: 0.12, label: 1 }]);
      assert.deepEqual(second.late, [{ probability: 0.02, label: 0 }], 'p-2 labelled after its window closed');
      assert.deepEqual(second.lateTimes, [T0 + 2000, T0 + 2000]);

      const third = evaluated(log, RUN2, T0 + 30_000);
      assert.deepEqual(third.window, []);
      assert.deepEqual(third.late, [{ probability: 0.03, label: 1 }]);
      assert.equal(
        stored(log).readWindow('churn', { from: T0, to: RUN1 }).labelled.length,
        3,
        'without labelsBy: all labels',
      );
    });

    it('reads only the version asked for', () => {
      const log = open();
      log.append([entry(1), entry(2, { version: 2 })]);
      log.recordFeedback(
        [
          { id: 'p-1', label: 1 },
          { id: 'p-2', label: 1 },
        ],
        RUN1 + 1,
      );
      const late = (version: number) =>
        stored(log).readLateLabels('churn', {
          version,
          labelledFrom: RUN1,
          labelledTo: RUN2,
          windowFrom: RUN1,
          windowTo: RUN2,
        });
      assert.deepEqual(late(1).labelled, [{ probability: 0.01, label: 1 }]);
      assert.deepEqual(late(2).labelled, [{ probability: 0.02, label: 1 }]);
    });
  });

  describe('parseLabel', () => {
    it('reads the generic words in any case and the positive class name', () => {
      assert.deepEqual(parseLabel('True'), { label: 1 });
      assert.deepEqual(parseLabel('no'), { label: 0 });
      assert.deepEqual(parseLabel('Churned', 'churned'), { label: 1 });
      assert.deepEqual(parseLabel('no', 'Churned'), { label: 0 });
    });

    it('refuses generic words when the positive class is itself named like a negative', () => {
      assert.deepEqual(parseLabel('No', 'No'), { label: 1 });
      assert.ok('error' in parseLabel('yes', 'No'));
      assert.deepEqual(parseLabel(0, 'No'), { label: 0 });
    });

    it('refuses numbers other than 0 and 1, null, objects and unknown words', () => {
      for (const value of [2, -1, 0.5, null, undefined, {}, [], 'churned']) {
        assert.ok('error' in parseLabel(value), JSON.stringify(value));
      }
    });
  });
});
