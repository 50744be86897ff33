import type { StreamScoreProgress, StreamScoreResult } from '../contracts/stream';
import type { StreamCounts } from '../contracts/stream-activities';

/** What earlier runs (before continue-as-new) counted; the second argument of `streamScore`. */
export type StreamCarry = Pick<StreamScoreProgress, 'records' | 'rejected' | 'labels' | 'lastOffsets'>;

/**
 * The run's counts: those of finished activity attempts (and earlier runs) plus the latest report of
 * the attempt running now. Reports of one attempt replace each other (they are running totals); a
 * report of another attempt settles the previous one, so a crashed attempt's counts are kept.
 */
export class StreamTotals {
  private settled: StreamCarry;
  private current: StreamCounts | null = null;
  private last: StreamCounts | null = null;

  constructor(carried?: StreamCarry) {
    this.settled = carried ?? { records: 0, rejected: 0, labels: 0, lastOffsets: {} };
  }

  report(counts: StreamCounts): void {
    // The last heartbeat of a dead attempt, forwarded by the next, may be older than its last signal.
    if (this.current?.attemptKey === counts.attemptKey && counts.records < this.current.records) return;
    if (this.current && this.current.attemptKey !== counts.attemptKey) this.settle();
    this.current = counts;
    this.last = counts;
  }

  /** The attempt with this key has ended; its final counts are in `counts` when it returned them. */
  finish(attemptKey: string, counts?: StreamCounts): void {
    if (counts) this.report(counts);
    if (this.current?.attemptKey === attemptKey || counts) this.settle();
  }

  carry(): StreamCarry {
    const now = this.sum();
    return { records: now.records, rejected: now.rejected, labels: now.labels, lastOffsets: now.lastOffsets };
  }

  progress(modelName: string): StreamScoreProgress {
    return {
      modelName,
      ...this.sum(),
      version: this.last?.version ?? null,
      recordsPerSecond: this.last?.recordsPerSecond ?? 0,
      lag: this.last?.lag ?? null,
      updatedAt: this.last?.updatedAt ?? null,
    };
  }

  result(): StreamScoreResult {
    const { records, rejected, lastOffsets } = this.sum();
    return { records, rejected, lastOffsets };
  }

  private sum(): StreamCarry {
    const c = this.current;
    if (!c) return { ...this.settled, lastOffsets: { ...this.settled.lastOffsets } };
    return {
      records: this.settled.records + c.records,
      rejected: this.settled.rejected + c.rejected,
      labels: this.settled.labels + c.labels,
      lastOffsets: { ...this.settled.lastOffsets, ...c.lastOffsets },
    };
  }

  private settle(): void {
    this.settled = this.sum();
    this.current = null;
  }
}

/** The run's current details in the Web UI. */
export function progressMarkdown(p: StreamScoreProgress, input: { inputTopic: string; outputTopic: string }): string {
  const version = p.version === null ? 'no version yet' : `v${p.version}`;
  const lag = p.lag === null ? 'unknown' : String(p.lag);
  return [
    `**${p.modelName}** ${version}: ${input.inputTopic} → ${input.outputTopic}`,
    '',
    '| records | records/s | lag | rejected | labels | updated |',
    '| --- | --- | --- | --- | --- | --- |',
    `| ${p.records} | ${Math.round(p.recordsPerSecond)} | ${lag} | ${p.rejected} | ${p.labels} | ${p.updatedAt ?? '—'} |`,
  ].join('\n');
}
