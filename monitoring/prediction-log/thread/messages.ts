import type { FeedbackLabel, FeedbackResult } from '../feedback';
import type { PredictionLogEntry, PredictionLogOptions } from '../options';
import type { PruneCounts } from '../retention';
import type { PredictionLogStats } from '../writer';

// Messages between a scoring server's event loop and the thread that writes its prediction log.

export interface ThreadData {
  home: string;
  options: Omit<PredictionLogOptions, 'onError'>;
}

export type ThreadRequest =
  | { kind: 'append'; entries: PredictionLogEntry[] }
  | { kind: 'feedback'; id: number; labels: FeedbackLabel[]; now?: number }
  | { kind: 'flush'; id: number }
  | { kind: 'prune'; id: number; now?: number }
  | { kind: 'stats'; id: number }
  | { kind: 'close' };

/** What the thread answers a request with `id`; `code` carries SQLite's (e.g. SQLITE_BUSY) for the caller. */
export type ThreadAnswer =
  | { kind: 'answer'; id: number; value: FeedbackResult | PruneCounts | number | null; stats: PredictionLogStats }
  | { kind: 'failed'; id: number; message: string; code?: string; stats: PredictionLogStats };

export type ThreadReply =
  | { kind: 'ready'; stats: PredictionLogStats }
  | { kind: 'open-failed'; message: string }
  /** The thread's writer has queued `count` more entries. */
  | { kind: 'taken'; count: number; stats: PredictionLogStats }
  | { kind: 'error'; during: 'write' | 'prune'; message: string }
  | { kind: 'closed'; stats: PredictionLogStats }
  | ThreadAnswer;
