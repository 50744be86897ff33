import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from '../../core/sqlite-migrations';
import { resolveFeedback } from './feedback';
import type { FeedbackLabel, FeedbackResult, LoggedPrediction } from './feedback';
import type { Outcome } from './labels';
import { DEFAULTS, isWellFormed, settingsFrom } from './options';
import type { PredictionLogEntry, PredictionLogOptions, PredictionLogSettings } from './options';
import { BoundedQueue } from './queue';
import { LogRetention } from './retention';
import type { PruneCounts } from './retention';
import { PREDICTION_LOG_SCHEMA, predictionLogPath } from './schema';

export interface PredictionLogStats {
  /** Entries waiting to be written. */
  queued: number;
  written: number;
  /** Entries lost to the queue bound or to `close` after a failed final write. */
  dropped: number;
  /** Entries refused as malformed (no id, non-finite probability, features that are not JSON). */
  rejected: number;
  writeErrors: number;
  lastError: string | null;
  pruned: PruneCounts;
}

type InsertRow = [id: string, modelName: string, version: number, time: number, probability: number, features: string];

/** Rows the automatic prune deletes per run; the rest waits for the next flush tick. */
const AUTO_PRUNE_BUDGET = 50_000;
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * The scoring servers' side of the log of served predictions and their later true outcomes, in
 * `<home>/monitoring/predictions.sqlite` (WAL, so workers read through `PredictionLogReader` while
 * scoring replicas write). It creates and migrates the file, stores feedback and prunes by the
 * retention rules. `append` only queues: a timer writes the queue in one transaction per batch, so
 * logging costs a request almost nothing and a slow or failing disk costs it nothing at all.
 */
export class PredictionLogWriter {
  private readonly queue: BoundedQueue<PredictionLogEntry>;
  private readonly retention: LogRetention;
  private readonly settings: PredictionLogSettings;
  private readonly onError: NonNullable<PredictionLogOptions['onError']>;
  private readonly insertBatch: Database.Transaction<(rows: InsertRow[], labels: [string, number, string][]) => void>;
  private readonly findPrediction: Database.Statement<[string], LoggedPrediction>;
  private readonly setLabel: Database.Statement<[Outcome, number, number]>;
  /** Positive labels already stored per `name@version`, so each batch does not rewrite them. */
  private readonly knownLabels = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;
  private soon: NodeJS.Immediate | undefined;
  /** Callers of `whenFlushed`, released when the queue is next empty. */
  private readonly flushWaiters: (() => void)[] = [];
  private closed = false;
  private written = 0;
  private rejected = 0;
  private lateDrops = 0;
  private writeErrors = 0;
  private failuresInARow = 0;
  private retryAt = 0;
  private lastError: string | null = null;
  private lastPruneAt = Date.now();
  private prunePending = false;
  private readonly pruned: PruneCounts = { byAge: 0, byCount: 0 };

  private constructor(
    private readonly db: Database.Database,
    options: PredictionLogOptions,
  ) {
    const { onError, ...rest } = options;
    this.settings = settingsFrom(rest);
    this.onError = onError ?? ((error, during) => console.error(`prediction log: ${during} failed: ${error.message}`));
    this.queue = new BoundedQueue(this.settings.maxQueue);
    this.retention = new LogRetention(db, this.settings);
    const insert = db.prepare<InsertRow>(
      'INSERT OR IGNORE INTO predictions (id, model_name, version, time, probability, features) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const upsertLabel = db.prepare<[string, number, string]>(
      `INSERT INTO prediction_versions (model_name, version, positive_label) VALUES (?, ?, ?)
       ON CONFLICT (model_name, version) DO UPDATE SET positive_label = excluded.positive_label`,
    );
    this.insertBatch = db.transaction((rows: InsertRow[], labels: [string, number, string][]) => {
      for (const row of rows) insert.run(...row);
      for (const label of labels) upsertLabel.run(...label);
    });
    this.findPrediction = db.prepare(
      `SELECT p.seq, v.positive_label FROM predictions p
       LEFT JOIN prediction_versions v ON v.model_name = p.model_name AND v.version = p.version WHERE p.id = ?`,
    );
    this.setLabel = db.prepare('UPDATE predictions SET label = ?, labelled_at = ? WHERE seq = ?');
    this.timer = setInterval(() => this.tick(), this.settings.flushIntervalMs);
    // Logging must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  static open(home: string, options: PredictionLogOptions = {}): PredictionLogWriter {
    const path = predictionLogPath(home);
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      // Before the journal mode: switching to WAL needs a moment's exclusive lock another replica may hold.
      db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? DEFAULTS.busyTimeoutMs)}`);
      db.pragma('journal_mode = WAL');
      // In WAL, NORMAL loses at most the last commits on power loss, never consistency; worth it for a log.
      db.pragma('synchronous = NORMAL');
      migrate(db, PREDICTION_LOG_SCHEMA);
      return new PredictionLogWriter(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Queues entries for the next write; never throws and never waits on the database. */
  append(entries: readonly PredictionLogEntry[]): void {
    if (this.closed) {
      this.lateDrops += entries.length;
      return;
    }
    const valid = entries.filter(isWellFormed);
    this.rejected += entries.length - valid.length;
    this.queue.push(valid);
    if (this.queue.length >= this.settings.maxBatch) this.flushSoon();
  }

  /** Writes everything queued now; returns the entries written. Failures go to `onError` and stay queued. */
  flush(): number {
    let written = 0;
    while (!this.closed && this.queue.length > 0) {
      const result = this.writeBatch();
      if (result < 0) break;
      written += result;
    }
    return written;
  }

  /**
   * Resolves once the queue is empty: at once when nothing waits, else after the write (timer, full batch,
   * `flush` or `close`) that empties it; `close` also resolves it when what it could not write was dropped
   * (`stats().dropped` says so). For a caller that must read back what it logged without forcing a write.
   */
  whenFlushed(): Promise<void> {
    if (this.closed || this.queue.length === 0) return Promise.resolve();
    // Someone waits for the write now, so the timer that makes it must keep the process alive until then.
    this.timer.ref();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** Writes what is queued, stops the timer and closes the database; what cannot be written counts as dropped. */
  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.flush();
    this.queue.discard();
    this.closed = true;
    this.db.close();
    this.releaseFlushWaiters();
  }

  stats(): PredictionLogStats {
    return {
      queued: this.queue.length,
      written: this.written,
      dropped: this.queue.dropped + this.lateDrops,
      rejected: this.rejected,
      writeErrors: this.writeErrors,
      lastError: this.lastError,
      pruned: { ...this.pruned },
    };
  }

  /** Deletes rows older than `retentionDays` before `now`, then the oldest beyond `maxRows`. */
  prune(now = Date.now()): PruneCounts {
    this.flush();
    const { byAge, byCount } = this.retention.step(now);
    this.countPruned({ byAge, byCount });
    return { byAge, byCount };
  }

  /**
   * Stores true outcomes of earlier predictions; a later label for the same id replaces the earlier
   * one. All or nothing: with any invalid entry nothing is stored, so a client that gets a 400 can
   * resend the corrected batch without wondering which half went in. Unknown ids do not block the rest.
   */
  recordFeedback(labels: readonly FeedbackLabel[], now = Date.now()): FeedbackResult {
    this.flush(); // a label may follow its prediction faster than the timer writes it
    const apply = this.db.transaction((): FeedbackResult => {
      const result: FeedbackResult = { accepted: 0, unknown: [], invalid: [] };
      const updates: [Outcome, number][] = [];
      labels.forEach((entry: unknown, index) => {
        const found = resolveFeedback(entry, index, (id) => this.findPrediction.get(id), result);
        if (found) updates.push(found);
      });
      if (result.invalid.length > 0) return result;
      for (const [label, seq] of updates) this.setLabel.run(label, now, seq);
      return { ...result, accepted: updates.length };
    });
    return apply.immediate();
  }

  private tick(): void {
    if (this.closed) return;
    const now = Date.now();
    if (this.queue.length > 0 && now >= this.retryAt) {
      this.writeBatch();
      if (this.queue.length > 0 && this.retryAt === 0) this.flushSoon();
    }
    this.autoPrune(now);
  }

  private flushSoon(): void {
    if (this.soon || this.retryAt > Date.now()) return;
    this.soon = setImmediate(() => {
      this.soon = undefined;
      this.tick();
    });
  }

  /** One transaction of up to `maxBatch` entries; returns the entries written, or -1 when the write failed. */
  private writeBatch(): number {
    const batch = this.queue.take(this.settings.maxBatch);
    const rows: InsertRow[] = [];
    const kept: PredictionLogEntry[] = [];
    const labels = new Map<string, [string, number, string]>();
    for (const entry of batch) {
      const features = safeStringify(entry.features);
      if (features === undefined) {
        this.rejected++;
        continue;
      }
      kept.push(entry);
      rows.push([entry.id, entry.modelName, entry.version, entry.time, entry.probability, features]);
      const key = `${entry.modelName}@${entry.version}`;
      if (entry.positiveLabel !== undefined && this.knownLabels.get(key) !== entry.positiveLabel) {
        labels.set(key, [entry.modelName, entry.version, entry.positiveLabel]);
      }
    }
    try {
      this.insertBatch.immediate(rows, [...labels.values()]);
    } catch (error) {
      this.queue.unshift(kept);
      this.writeErrors++;
      this.failuresInARow++;
      // Backing off keeps a locked or full disk from being hammered, and the log from filling with the same line.
      const delay = Math.min(this.settings.flushIntervalMs * 2 ** this.failuresInARow, MAX_RETRY_DELAY_MS);
      this.retryAt = Date.now() + delay;
      this.report(error, 'write');
      return -1;
    }
    for (const [key, [, , label]] of labels) this.knownLabels.set(key, label);
    this.failuresInARow = 0;
    this.retryAt = 0;
    this.written += rows.length;
    if (this.queue.length === 0) this.releaseFlushWaiters();
    return rows.length;
  }

  private releaseFlushWaiters(): void {
    this.timer.unref();
    for (const resolve of this.flushWaiters.splice(0)) resolve();
  }

  private autoPrune(now: number): void {
    if (!this.prunePending && now - this.lastPruneAt < this.settings.pruneIntervalMs) return;
    this.lastPruneAt = now;
    try {
      const step = this.retention.step(now, AUTO_PRUNE_BUDGET);
      this.countPruned(step);
      this.prunePending = !step.done;
    } catch (error) {
      this.prunePending = false;
      this.report(error, 'prune');
    }
  }

  private countPruned({ byAge, byCount }: PruneCounts): void {
    this.pruned.byAge += byAge;
    this.pruned.byCount += byCount;
  }

  private report(error: unknown, during: 'write' | 'prune'): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.lastError = err.message;
    try {
      this.onError(err, during);
    } catch {
      // A failing error callback must not turn a lost log line into a crashed timer.
    }
  }
}

function safeStringify(features: Record<string, unknown>): string | undefined {
  try {
    return JSON.stringify(features);
  } catch {
    return undefined; // a cycle or a BigInt: not something a JSON request could have carried
  }
}
