import type { CheckpointRef, OnlineCursor, OnlineSource } from '../../contracts/online';
import type { RawRecord } from '../../models/types';
import type { WindowState } from '../../models/online';

/** What the online activities keep in a checkpoint's `meta` beside the learner's own state. */
export interface OnlineMeta {
  modelName: string;
  /** The serving version the run warm-started from, and its trained.json (spec, threshold, target). */
  parentVersion: number;
  parentModel: CheckpointRef;
  target: string;
  positiveLabel: string;
  source: OnlineSource;
  /** Where the source was read up to: the next record to learn is the one after it. */
  cursor: OnlineCursor;
  skipped: number;
  lastSkipReason: string | null;
  /** The most recent records' scores, judged by the pause rule. */
  alarm: WindowState;
  /** The most recent records learned, for a candidate's expected outputs and drift baseline. */
  recent: { records: RawRecord[]; labels: number[] };
  servingVersion: number | null;
}

/** Records kept in `recent`. */
export const RECENT_RECORDS = 1_000;
