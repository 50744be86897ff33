import type { FeedbackLabel, FeedbackResult, PredictionLogEntry } from '../../monitoring/prediction-log';

// Messages between a stream's consumer and the thread that writes its prediction log.

export type LogThreadRequest =
  | { kind: 'append'; entries: PredictionLogEntry[] }
  | { kind: 'feedback'; id: number; labels: FeedbackLabel[] }
  | { kind: 'close' };

export type LogThreadReply =
  | { kind: 'feedback'; id: number; result: FeedbackResult }
  | { kind: 'feedback-failed'; id: number; message: string }
  | { kind: 'write-failed'; during: string; message: string }
  | { kind: 'closed' };
