import type { FeedbackLabel, FeedbackResult } from './feedback';
import type { PredictionLogEntry } from './options';
import type { PredictionLogStats } from './writer';

/**
 * What a scoring server needs of its prediction log: `append` queues and never waits, feedback may
 * answer later. `PredictionLogWriter` is one (writing on the caller's thread: tests, one-shot tools);
 * `ThreadedPredictionLog` is the one servers run, writing from a thread of its own.
 */
export interface PredictionLogSink {
  append(entries: readonly PredictionLogEntry[]): void;
  recordFeedback(labels: readonly FeedbackLabel[]): FeedbackResult | Promise<FeedbackResult>;
  /** Hands over (or writes) what is queued; a server calls it as it stops. */
  flush(): unknown;
  stats(): PredictionLogStats;
  /** Current figures when `stats` answers from the last message of another thread. */
  refreshStats?(): Promise<PredictionLogStats>;
}
