import { Context, log } from '@temporalio/activity';
import { STREAM_PROGRESS_SIGNAL, type StreamCounts } from '../../contracts/stream-activities';

/** How often the counts go to the workflow as a signal (each adds a few history events). */
export const SIGNAL_EVERY_MS = 5_000;

type Tally = Pick<StreamCounts, 'records' | 'rejected' | 'labels' | 'version' | 'lag' | 'lastOffsets'>;

/**
 * The attempt's running counts: heartbeat details on every call (the SDK throttles the RPCs), and
 * every few seconds a `streamProgress` signal to the workflow, which cannot read heartbeat details.
 */
export class StreamProgress {
  readonly tally: Tally = { records: 0, rejected: 0, labels: 0, version: null, lag: null, lastOffsets: {} };
  private readonly attemptKey: string;
  private lastSignalAt = Date.now();
  private recordsAtLastSignal = 0;
  private reportedAny = false;
  private recordsPerSecond = 0;
  private sending: Promise<void> | undefined;
  private readonly context = Context.current();

  constructor() {
    const { activityId, attempt } = this.context.info;
    this.attemptKey = `${activityId}#${attempt}`;
  }

  counts(): StreamCounts {
    return {
      attemptKey: this.attemptKey,
      ...this.tally,
      lastOffsets: { ...this.tally.lastOffsets },
      recordsPerSecond: this.recordsPerSecond,
      updatedAt: new Date().toISOString(),
    };
  }

  /** Heartbeats; when a signal is due, refreshes what `refresh` measures (lag, offsets) and signals. */
  async tick(refresh: () => Promise<void>): Promise<void> {
    this.context.heartbeat(this.counts());
    const now = Date.now();
    // The first records are reported at once (a stream just started shows them), then every few seconds.
    const any = this.tally.records + this.tally.rejected > 0;
    const first = any && !this.reportedAny;
    if ((!first && now - this.lastSignalAt < SIGNAL_EVERY_MS) || this.sending) return;
    this.reportedAny = any;
    const elapsed = now - this.lastSignalAt;
    // A rate over less than a second says little; the first report keeps 0 until the next.
    if (elapsed >= 1000) {
      this.recordsPerSecond = ((this.tally.records - this.recordsAtLastSignal) * 1000) / elapsed;
      this.recordsAtLastSignal = this.tally.records;
      this.lastSignalAt = now;
    }
    await refresh();
    // Not awaited: a slow Temporal frontend must not hold up the stream.
    this.sending = this.signal().finally(() => {
      this.sending = undefined;
    });
  }

  /**
   * Passes on what the previous attempt heartbeated last: a worker that died outright sent no final
   * counts, and its last heartbeat is newer than its last signal.
   */
  async forwardPreviousAttempt(): Promise<void> {
    const previous = this.context.info.heartbeatDetails as StreamCounts | undefined;
    if (typeof previous?.attemptKey !== 'string' || previous.attemptKey === this.attemptKey) return;
    await this.signal(previous);
  }

  /** The final counts, sent and awaited before the activity ends (also when it fails). */
  async final(): Promise<StreamCounts> {
    await this.sending;
    await this.signal();
    return this.counts();
  }

  private async signal(counts: StreamCounts = this.counts()): Promise<void> {
    const { workflowExecution } = this.context.info;
    if (!workflowExecution) return; // a standalone activity has no workflow to tell
    try {
      await this.context.client.workflow
        .getHandle(workflowExecution.workflowId, workflowExecution.runId)
        .signal(STREAM_PROGRESS_SIGNAL, counts);
    } catch (err) {
      log.warn('stream progress signal failed', { error: (err as Error).message });
    }
  }
}
