import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { latestVersion, refuseNewer, schemaObjects, schemaVersion } from '../../core/sqlite-migrations';
import type { Outcome } from './labels';
import { PREDICTION_LOG_SCHEMA, predictionLogPath } from './schema';
import { buildWindow, toEpochMs } from './window';
import type { LoggedWindow, WindowRow } from './window';
import type { LabelledPrediction } from '../types';

export interface ReadWindowOptions {
  /** Exclusive lower bound, ISO or epoch ms; absent: from the beginning (epoch 0). */
  from?: string | number;
  /** Inclusive upper bound, ISO or epoch ms. */
  to: string | number;
  version?: number;
  /** Newest rows kept when the window holds more. */
  limit?: number;
  /** Labels that arrived after this (ISO or epoch ms) are left out of `labelled`: a later run counts them. */
  labelsBy?: string | number;
}

export interface ReadLateLabelsOptions {
  version: number;
  /** The label-arrival span: exclusive lower bound (absent: from the beginning) and inclusive upper bound. */
  labelledFrom?: string | number;
  labelledTo: string | number;
  /** The checked window's prediction times, (from, to]: its own labelled rows are read with it, not here. */
  windowFrom?: string | number;
  windowTo: string | number;
}

/** Predictions made outside a window whose labels arrived in a span: delayed feedback. */
export interface LateLabels {
  labelled: LabelledPrediction[];
  /** Prediction times (epoch ms) of the first and last of them; null with none. */
  times: [first: number, last: number] | null;
}

/** Labelled predictions in label-arrival order after a position, for online training. */
export interface LabelledSince {
  /** seq, labelled_at (epoch ms), label, features JSON; in (labelled_at, seq) order. */
  rows: [seq: number, labelledAt: number, label: Outcome, features: string][];
}

/** Logged predictions that got feedback, oldest first: what a retrain adds to its training data. */
export interface LabelledRecords {
  rows: number;
  ids: string[];
  records: Record<string, unknown>[];
  labels: Outcome[];
}

const DEFAULT_WINDOW_LIMIT = 1_000_000;
/** Readers wait on the workers' side, off any request path, so they can wait as long as the registry does. */
const BUSY_TIMEOUT_MS = 5_000;

type ReadStatements = ReturnType<typeof prepareReads>;

/**
 * The workers' side of the prediction log: reads only, through a read-only connection, so a worker
 * never writes, flushes or prunes the file the scoring servers own. The scoring servers'
 * `PredictionLogWriter` creates and migrates the log; until the first one has, the log reads as empty.
 */
export class PredictionLogReader {
  private db: Database.Database | undefined;
  private statements: ReadStatements | undefined;
  private closed = false;

  private constructor(private readonly path: string) {}

  /** Opens nothing yet: the file is opened on the first read that finds it. */
  static open(home: string): PredictionLogReader {
    return new PredictionLogReader(predictionLogPath(home));
  }

  /**
   * The logged predictions of a model with `from < time <= to`, the newest `limit` of them, oldest
   * first, as the column-major window the drift checks take.
   */
  readWindow(modelName: string, options: ReadWindowOptions): LoggedWindow {
    const { from, to, limit } = windowBounds(options);
    const labelsBy = options.labelsBy === undefined ? Infinity : toEpochMs(options.labelsBy, 'labelsBy');
    const reads = this.ready();
    if (!reads) return buildWindow([], from, to, labelsBy);
    const rows = (
      options.version === undefined
        ? reads.windowRows.all(modelName, from, to, limit)
        : reads.windowRowsOfVersion.all(modelName, from, to, options.version, limit)
    ) as WindowRow[];
    return buildWindow(rows, from, to, labelsBy);
  }

  /**
   * Predictions of one model version made outside the window `(windowFrom, windowTo]` whose label
   * arrived in `(labelledFrom, labelledTo]`, oldest first. With the window's own labelled rows (read
   * with `labelsBy: labelledTo`) these are every label that arrived in the span, each counted once.
   */
  readLateLabels(modelName: string, options: ReadLateLabelsOptions): LateLabels {
    const epoch = (value: string | number | undefined, name: string) =>
      value === undefined ? 0 : toEpochMs(value, name);
    const bounds = [
      epoch(options.labelledFrom, 'labelledFrom'),
      toEpochMs(options.labelledTo, 'labelledTo'),
      options.version,
      epoch(options.windowFrom, 'windowFrom'),
      toEpochMs(options.windowTo, 'windowTo'),
    ] as const;
    const reads = this.ready();
    const rows = (reads ? reads.lateLabelRows.all(modelName, ...bounds) : []) as [number, number, 0 | 1][];
    const first = rows[0];
    const last = rows[rows.length - 1];
    return {
      labelled: rows.map(([, probability, label]) => ({ probability, label })),
      times: first && last ? [first[0], last[0]] : null,
    };
  }

  /** The predictions of a model with feedback, `from < time <= to`, the newest `limit` of them, oldest first. */
  readLabelled(modelName: string, options: Omit<ReadWindowOptions, 'version'>): LabelledRecords {
    const { from, to, limit } = windowBounds(options);
    const reads = this.ready();
    const rows = (reads ? reads.labelledRows.all(modelName, from, to, limit) : []) as [string, Outcome, string][];
    rows.reverse();
    return {
      rows: rows.length,
      ids: rows.map(([id]) => id),
      records: rows.map(([, , features]) => JSON.parse(features) as Record<string, unknown>),
      labels: rows.map(([, label]) => label),
    };
  }

  /**
   * Up to `limit` predictions of a model whose label arrived after the position (`labelledAfter`, `seq`)
   * and no later than `until`, in arrival order (labelled_at, then seq): a cursor that moves only forward.
   */
  readLabelledSince(
    modelName: string,
    position: { labelledAfter: number; seq: number },
    until: number,
    limit: number,
  ): LabelledSince {
    const reads = this.ready();
    const { labelledAfter, seq } = position;
    const rows = reads ? reads.labelledSinceRows.all(modelName, labelledAfter, labelledAfter, seq, until, limit) : [];
    return { rows: rows as LabelledSince['rows'] };
  }

  close(): void {
    this.closed = true;
    this.db?.close();
    this.db = undefined;
    this.statements = undefined;
  }

  /**
   * The read statements, once a writer has brought the log to the schema this code reads; undefined
   * while there is no log yet. Statements prepared then stay valid: SQLite prepares them again by
   * itself when a later migration changes the schema.
   */
  private ready(): ReadStatements | undefined {
    if (this.closed) throw new Error('prediction log reader: read after close');
    if (this.statements) return this.statements;
    if (!this.db) {
      if (!existsSync(this.path)) return undefined;
      this.db = new Database(this.path, { readonly: true, fileMustExist: true });
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    const version = schemaVersion(this.db);
    refuseNewer(PREDICTION_LOG_SCHEMA, version, this.path);
    const latest = latestVersion(PREDICTION_LOG_SCHEMA);
    if (version < latest) {
      // A writer creates the tables and numbers them in one transaction: none yet means a log not begun.
      if (version === 0 && !schemaObjects(this.db, 'table').has('predictions')) return undefined;
      // Retryable: the activity tries again, and a scoring server of this version migrates the log on open.
      throw new Error(
        `the prediction log (${this.path}) is at schema version ${version}, this worker reads version ${latest}: ` +
          'a scoring server of this mlcycle version migrates it when it opens the log',
      );
    }
    this.statements = prepareReads(this.db);
    return this.statements;
  }
}

function prepareReads(db: Database.Database) {
  const window =
    'SELECT time, version, probability, label, features, labelled_at FROM predictions WHERE model_name = ?';
  const newest = 'ORDER BY time DESC, seq DESC LIMIT ?';
  return {
    windowRows: db
      .prepare<[string, number, number, number]>(`${window} AND time > ? AND time <= ? ${newest}`)
      .raw(true),
    windowRowsOfVersion: db
      .prepare<[string, number, number, number, number]>(
        `${window} AND time > ? AND time <= ? AND version = ? ${newest}`,
      )
      .raw(true),
    labelledRows: db
      .prepare<[string, number, number, number]>(
        `SELECT id, label, features FROM predictions WHERE model_name = ? AND time > ? AND time <= ?
         AND label IS NOT NULL ${newest}`,
      )
      .raw(true),
    labelledSinceRows: db
      .prepare<[string, number, number, number, number, number]>(
        `SELECT seq, labelled_at, label, features FROM predictions WHERE model_name = ? AND labelled_at IS NOT NULL
         AND (labelled_at > ? OR (labelled_at = ? AND seq > ?)) AND labelled_at <= ? ORDER BY labelled_at, seq LIMIT ?`,
      )
      .raw(true),
    // Through the partial labelled_at index: only rows whose label arrived in the span are visited.
    lateLabelRows: db
      .prepare<[string, number, number, number, number, number]>(
        `SELECT time, probability, label FROM predictions WHERE model_name = ? AND labelled_at > ? AND labelled_at <= ?
         AND version = ? AND NOT (time > ? AND time <= ?) ORDER BY time, seq`,
      )
      .raw(true),
  };
}

function windowBounds(options: Omit<ReadWindowOptions, 'version'>): { from: number; to: number; limit: number } {
  const to = toEpochMs(options.to, 'to');
  const from = options.from === undefined ? 0 : toEpochMs(options.from, 'from');
  const limit = options.limit ?? DEFAULT_WINDOW_LIMIT;
  if (!(Number.isInteger(limit) && limit > 0)) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return { from, to, limit };
}
