import type { FeedbackLabel, FeedbackResult } from '../../monitoring/prediction-log';

// Messages between a stream's consumer and the thread that writes its prediction log.

/**
 * The predictions of one scored batch as the consumer hands them over: flat arrays and each record's JSON
 * text as read, which cost the consumer's thread far less to post than one object per record; the log's
 * thread parses them into entries.
 */
export interface LoggedBatch {
  modelName: string;
  version: number;
  positiveLabel: string;
  /** Epoch milliseconds. */
  time: number;
  /** The model's input columns: only these are logged of each record. */
  columns: string[];
  ids: string[];
  probabilities: number[];
  records: string[];
}

export type LogThreadRequest =
  | { kind: 'append'; batch: LoggedBatch }
  | { kind: 'feedback'; id: number; labels: FeedbackLabel[] }
  | { kind: 'close' };

export type LogThreadReply =
  | { kind: 'feedback'; id: number; result: FeedbackResult }
  | { kind: 'feedback-failed'; id: number; message: string }
  | { kind: 'write-failed'; during: string; message: string }
  | { kind: 'closed' };
