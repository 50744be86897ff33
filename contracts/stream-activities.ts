import type { StreamOffsets, StreamScoreInput } from './stream';

// Input, counts and result of `consumeStream`, the long-running consumer activity of `streamScore`.

/** The workflow's input with every default filled in, plus who to report to. */
export interface ConsumeStreamInput extends Required<Omit<StreamScoreInput, 'labelsTopic'>> {
  labelsTopic?: string;
  /** The activity ends after this long (committing and closing first), so the workflow can bound its history. */
  segmentMs: number;
}

/** What one attempt of the activity has done so far; sent to the workflow as the `streamProgress` signal. */
export interface StreamCounts {
  /** `activityId#attempt`: the workflow adds up the counts of different attempts, and replaces those of the same. */
  attemptKey: string;
  /** Results produced and acknowledged by the broker (a record redelivered after a crash counts again). */
  records: number;
  /** Records sent to the dead-letter topic. */
  rejected: number;
  /** Labels from the labels topic stored in the prediction log. */
  labels: number;
  recordsPerSecond: number;
  lag: number | null;
  version: number | null;
  /** Committed next offsets, by `topic:partition`. */
  lastOffsets: StreamOffsets;
  updatedAt: string;
}

/** The segment's final counts; `cancelled` when it ended because the workflow was cancelled. */
export interface ConsumeStreamResult extends StreamCounts {
  cancelled: boolean;
}

/** Name of the signal that carries `StreamCounts` from the consumer activity to its workflow. */
export const STREAM_PROGRESS_SIGNAL = 'streamProgress';
