import type { OnlineCursor } from '../../contracts/online';
import type { PredictionLogReader } from '../../monitoring/prediction-log';
import type { RawRecord } from '../../models/types';
import type { LabelledBatch } from './labelled-batch';

/**
 * Labels are read only once they are this old: a scoring server stamps a label with its own clock
 * before its transaction commits, so a label stamped just before a read may become visible just after.
 */
export const FEEDBACK_SETTLE_MS = 2_000;

/**
 * The next labelled predictions of the model after the cursor, in label-arrival order: predictions
 * made by /predict, batch or stream scoring whose label came through /feedback or a labels topic.
 * A label given again later (a correction) arrives again and is learned again, as a new example.
 */
export function readFeedback(
  log: PredictionLogReader,
  modelName: string,
  cursor: Extract<OnlineCursor, { kind: 'feedback' }>,
  max: number,
  now = Date.now(),
): LabelledBatch {
  const batch: LabelledBatch = { items: [] };
  const { rows } = log.readLabelledSince(modelName, cursor, now - FEEDBACK_SETTLE_MS, max);
  for (const [seq, labelledAt, label, features] of rows) {
    const after: OnlineCursor = { kind: 'feedback', labelledAfter: labelledAt, seq };
    let record: unknown;
    try {
      record = JSON.parse(features);
    } catch {
      record = undefined;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      batch.items.push({ kind: 'skip', cursor: after, reason: `prediction ${seq}: features are not a JSON object` });
      continue;
    }
    batch.items.push({ kind: 'record', record: record as RawRecord, label, cursor: after });
  }
  return batch;
}
