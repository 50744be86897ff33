import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { PredictionLogReader, PredictionLogWriter } from '../../monitoring/prediction-log';
import { PREDICTION_LOG_SCHEMA, predictionLogPath } from '../../monitoring/prediction-log/schema';
import { SchemaVersionError } from '../../core/sqlite-migrations';
import { PREDICTION_LOG_SCHEMA_FIRST_RELEASE, PREDICTION_LOG_SCHEMA_UNNUMBERED } from '../fixtures/unnumbered-schemas';
import { tempHome } from '../helpers/paths';

const LATEST = PREDICTION_LOG_SCHEMA.migrations.length;
const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const FAR = T0 + 1_000_000;

const entry = (i: number) => ({
  id: `p-${i}`,
  modelName: 'churn',
  version: 1,
  time: T0 + i * 1000,
  probability: i / 10,
  features: { tenure: i },
  positiveLabel: 'Yes',
});

/** A log file made by hand, as an older mlcycle left it: its tables, two predictions, one labelled. */
function oldLog(schema: string): string {
  const home = tempHome('predlog-old');
  const path = predictionLogPath(home);
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(schema);
  const insert = db.prepare(
    'INSERT INTO predictions (id, model_name, version, time, probability, features, label, labelled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  insert.run('old-1', 'churn', 1, T0 + 1000, 0.25, '{"tenure":3}', 1, T0 + 50_000);
  insert.run('old-2', 'churn', 1, T0 + 2000, 0.75, '{"tenure":9}', null, null);
  db.exec(`INSERT INTO prediction_versions VALUES ('churn', 1, 'Yes')`);
  db.close();
  return home;
}

function inspect<T>(home: string, look: (db: Database.Database) => T): T {
  const db = new Database(predictionLogPath(home), { readonly: true });
  try {
    return look(db);
  } finally {
    db.close();
  }
}

const userVersion = (home: string) => inspect(home, (db) => db.pragma('user_version', { simple: true }) as number);

/** The plan SQLite picks for the late-label read: it must go through the partial labelled_at index. */
const lateLabelPlan = (home: string) =>
  inspect(home, (db) =>
    (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT time, probability, label FROM predictions WHERE model_name = ? AND labelled_at > ?
           AND labelled_at <= ? AND version = ? AND NOT (time > ? AND time <= ?) ORDER BY time, seq`,
        )
        .all('churn', 0, 1, 1, 0, 1) as { detail: string }[]
    ).map((step) => step.detail),
  );

describe('prediction log schema migrations', () => {
  it('creates a fresh log at the latest step', () => {
    const home = tempHome('predlog-fresh');
    PredictionLogWriter.open(home).close();
    assert.equal(userVersion(home), LATEST);
    assert.ok(lateLabelPlan(home).some((step) => step.includes('predictions_model_labelled')));
  });

  it('brings a first-release log to the latest step, keeps its rows and labels, and finds late labels through the new index', () => {
    const home = oldLog(PREDICTION_LOG_SCHEMA_FIRST_RELEASE);
    const writer = PredictionLogWriter.open(home);
    const reader = PredictionLogReader.open(home);
    try {
      assert.equal(userVersion(home), LATEST);
      const plan = lateLabelPlan(home);
      assert.ok(
        plan.some((step) => step.includes('predictions_model_labelled')),
        plan.join('; '),
      );
      const window = reader.readWindow('churn', { to: FAR });
      assert.deepEqual(window.probabilities, [0.25, 0.75]);
      assert.deepEqual(window.columns.tenure, [3, 9]);
      assert.deepEqual(reader.readLabelled('churn', { to: FAR }).ids, ['old-1']);
      const late = reader.readLateLabels('churn', {
        version: 1,
        labelledTo: T0 + 60_000,
        windowFrom: T0 + 5000,
        windowTo: FAR,
      });
      assert.deepEqual(late.labelled, [{ probability: 0.25, label: 1 }]);
      assert.equal(writer.recordFeedback([{ id: 'old-2', label: 'Yes' }]).accepted, 1, 'old ids take feedback');
    } finally {
      writer.close();
      reader.close();
    }
  });

  it('recognises a log from before numbering that already has every table and index, and reopens without a step', () => {
    const home = oldLog(PREDICTION_LOG_SCHEMA_UNNUMBERED);
    PredictionLogWriter.open(home).close();
    assert.equal(userVersion(home), LATEST);
    // Steps are plain CREATE statements: running one twice would throw here.
    const again = PredictionLogWriter.open(home);
    again.append([entry(5)]);
    again.close();
    const reader = PredictionLogReader.open(home);
    assert.equal(reader.readWindow('churn', { to: FAR }).rows, 3);
    reader.close();
  });

  it('refuses, in the writer and in the reader, a log a newer mlcycle migrated', () => {
    const home = tempHome('predlog-newer');
    PredictionLogWriter.open(home).close();
    const db = new Database(predictionLogPath(home));
    db.pragma(`user_version = ${LATEST + 1}`);
    db.close();
    const newer = (error: unknown) =>
      error instanceof SchemaVersionError &&
      error.message.includes(`has schema version ${LATEST + 1}, newer than the ${LATEST} this mlcycle knows`);
    assert.throws(() => PredictionLogWriter.open(home), newer);
    const reader = PredictionLogReader.open(home);
    assert.throws(() => reader.readWindow('churn', { to: FAR }), newer);
    reader.close();
  });
});

describe('prediction log reader', () => {
  it('reads a log that does not exist yet as empty, without creating it', () => {
    const home = tempHome('predlog-none');
    const reader = PredictionLogReader.open(home);
    const window = reader.readWindow('churn', { from: T0, to: FAR });
    assert.deepEqual([window.rows, window.from, window.labelled], [0, new Date(T0).toISOString(), []]);
    assert.deepEqual(reader.readLabelled('churn', { to: FAR }).rows, 0);
    assert.deepEqual(reader.readLateLabels('churn', { version: 1, labelledTo: FAR, windowTo: FAR }), {
      labelled: [],
      times: null,
    });
    assert.equal(existsSync(predictionLogPath(home)), false);
    assert.throws(() => reader.readWindow('churn', { to: 'soon' }), RangeError, 'arguments are still checked');

    // A scoring server starts later: the same reader now sees what it writes.
    const writer = PredictionLogWriter.open(home);
    writer.append([entry(1), entry(2)]);
    writer.recordFeedback([{ id: 'p-2', label: 0 }]);
    assert.equal(reader.readWindow('churn', { to: FAR }).rows, 2);
    assert.deepEqual(reader.readLabelled('churn', { to: FAR }).labels, [0]);
    writer.close();
    reader.close();
  });

  it('refuses with a retryable error a log no writer of this version has migrated yet, and reads it once one has', () => {
    const home = oldLog(PREDICTION_LOG_SCHEMA_FIRST_RELEASE);
    const reader = PredictionLogReader.open(home);
    assert.throws(
      () => reader.readWindow('churn', { to: FAR }),
      (error: unknown) =>
        error instanceof Error &&
        error.name === 'Error' &&
        error.message.includes(`is at schema version 0, this worker reads version ${LATEST}`) &&
        error.message.includes('a scoring server of this mlcycle version migrates it'),
    );
    PredictionLogWriter.open(home).close();
    assert.equal(reader.readWindow('churn', { to: FAR }).rows, 2);
    reader.close();
  });

  it('opens the file read-only: it never writes, flushes or prunes what the scoring servers own', () => {
    const home = tempHome('predlog-readonly');
    const writer = PredictionLogWriter.open(home, { retentionDays: 1 });
    writer.append([entry(1)]);
    writer.flush();
    const reader = PredictionLogReader.open(home);
    assert.equal(reader.readWindow('churn', { to: FAR }).rows, 1, 'a row older than the retention is still there');
    const writes = Object.getOwnPropertyNames(PredictionLogReader.prototype).filter((name) =>
      ['append', 'flush', 'prune', 'recordFeedback'].includes(name),
    );
    assert.deepEqual(writes, []);
    const connection = (reader as unknown as { db: Database.Database }).db;
    assert.equal(connection.readonly, true);
    assert.throws(() => connection.exec('DELETE FROM predictions'), /readonly/);
    writer.close();
    reader.close();
  });
});
