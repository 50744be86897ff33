import type Database from 'better-sqlite3';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows per DELETE: each is its own short write, so other replicas' flushes slip in between. */
const DELETE_CHUNK = 10_000;

export interface PruneCounts {
  /** Rows older than the retention period. */
  byAge: number;
  /** Oldest rows beyond `maxRows`. */
  byCount: number;
}

/** Deletes what the retention rules no longer keep: rows older than `retentionDays`, then the oldest beyond `maxRows`. */
export class LogRetention {
  private readonly deleteOlder: Database.Statement<[number, number]>;
  private readonly deleteOldest: Database.Statement<[number]>;
  private readonly seqBounds: Database.Statement<[], { low: number | null; high: number | null }>;
  private readonly countRows: Database.Statement<[], { rows: number }>;

  constructor(
    db: Database.Database,
    private readonly limits: { retentionDays: number; maxRows: number },
  ) {
    this.deleteOlder = db.prepare(
      'DELETE FROM predictions WHERE seq IN (SELECT seq FROM predictions WHERE time < ? LIMIT ?)',
    );
    this.deleteOldest = db.prepare(
      'DELETE FROM predictions WHERE seq IN (SELECT seq FROM predictions ORDER BY time, seq LIMIT ?)',
    );
    this.seqBounds = db.prepare('SELECT MIN(seq) AS low, MAX(seq) AS high FROM predictions');
    this.countRows = db.prepare('SELECT COUNT(*) AS rows FROM predictions');
  }

  /**
   * Deletes at most `budget` rows, so the automatic prune never holds the event loop for long after a
   * long stop; `done` says whether the rules are met.
   */
  step(now: number, budget = Infinity): PruneCounts & { done: boolean } {
    const cutoff = now - this.limits.retentionDays * DAY_MS;
    let byAge = 0;
    let byCount = 0;
    for (;;) {
      const limit = Math.min(DELETE_CHUNK, budget - byAge);
      if (limit <= 0) return { byAge, byCount, done: false };
      const deleted = this.deleteOlder.run(cutoff, limit).changes;
      byAge += deleted;
      if (deleted < limit) break;
    }
    let excess = this.excess();
    while (excess > 0) {
      const limit = Math.min(DELETE_CHUNK, excess, budget - byAge - byCount);
      if (limit <= 0) return { byAge, byCount, done: false };
      const deleted = this.deleteOldest.run(limit).changes;
      byCount += deleted;
      excess = deleted < limit ? 0 : excess - deleted;
    }
    return { byAge, byCount, done: true };
  }

  /** Rows beyond `maxRows`. Seqs are unique, so their span bounds the count and usually spares a full COUNT. */
  private excess(): number {
    const { low, high } = this.seqBounds.get() ?? { low: null, high: null };
    if (low === null || high === null || high - low + 1 <= this.limits.maxRows) return 0;
    return Math.max(0, (this.countRows.get()?.rows ?? 0) - this.limits.maxRows);
  }
}
