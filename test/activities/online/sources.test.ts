import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FEEDBACK_SETTLE_MS, readFeedback } from '../../../activities/online/feedback-source';
import { parseRecord } from '../../../activities/online/kafka-source';
import type { OnlineCursor } from '../../../contracts';
import { PredictionLogReader, PredictionLogWriter } from '../../../monitoring/prediction-log';

type FeedbackCursor = Extract<OnlineCursor, { kind: 'feedback' }>;

describe('the feedback source of online training', () => {
  let home: string;
  let writer: PredictionLogWriter;
  let reader: PredictionLogReader;
  const T0 = Date.parse('2026-12-01T00:00:00.000Z');

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'mlcycle-online-source-'));
    writer = PredictionLogWriter.open(home, { flushIntervalMs: 60_000 });
    reader = PredictionLogReader.open(home);
    writer.append(
      Array.from({ length: 6 }, (_, i) => ({
        id: `p-${i}`,
        modelName: 'churn',
        version: 1,
        time: T0 + i,
        probability: 0.5,
        features: { tenure: i, Contract: 'One year' },
        positiveLabel: 'Yes',
      })),
    );
    writer.flush();
  });
  afterEach(async () => {
    writer.close();
    reader.close();
    await rm(home, { recursive: true, force: true });
  });

  it('reads labels in arrival order after the cursor, ties by row, only once they settled, each once', () => {
    // Three labels arrive at the same millisecond, two later; p-5 never gets one.
    writer.recordFeedback(
      [
        { id: 'p-4', label: 'Yes' },
        { id: 'p-0', label: 'No' },
        { id: 'p-2', label: 1 },
      ],
      T0 + 100,
    );
    writer.recordFeedback(
      [
        { id: 'p-1', label: 'No' },
        { id: 'p-3', label: 'Yes' },
      ],
      T0 + 200,
    );
    const start: FeedbackCursor = { kind: 'feedback', labelledAfter: T0, seq: 0 };
    const now = T0 + 200 + FEEDBACK_SETTLE_MS;

    const first = readFeedback(reader, 'churn', start, 2, now);
    assert.deepEqual(
      first.items.map((item) => (item.kind === 'record' ? [item.record.tenure, item.label] : null)),
      [
        [0, 0],
        [2, 1],
      ],
    );
    const after = first.items[1]!.cursor as FeedbackCursor;
    const rest = readFeedback(reader, 'churn', after, 10, now);
    assert.deepEqual(
      rest.items.map((item) => (item.kind === 'record' ? item.record.tenure : null)),
      [4, 1, 3],
    );
    // The same cursor gives the same records: a retried learn call re-does the same range.
    assert.deepEqual(readFeedback(reader, 'churn', after, 10, now), rest);
    // Labels younger than the settle time wait for the next read.
    assert.equal(readFeedback(reader, 'churn', start, 10, T0 + 150 + FEEDBACK_SETTLE_MS).items.length, 3);
    // Nothing after the last one.
    assert.deepEqual(readFeedback(reader, 'churn', rest.items[2]!.cursor as FeedbackCursor, 10, now).items, []);
  });

  it('learns a corrected label again, as a new example, after the cursor', () => {
    writer.recordFeedback([{ id: 'p-0', label: 'No' }], T0 + 100);
    const start: FeedbackCursor = { kind: 'feedback', labelledAfter: T0, seq: 0 };
    const seen = readFeedback(reader, 'churn', start, 10, T0 + 10_000);
    writer.recordFeedback([{ id: 'p-0', label: 'Yes' }], T0 + 300);
    const again = readFeedback(reader, 'churn', seen.items[0]!.cursor as FeedbackCursor, 10, T0 + 10_000);
    assert.deepEqual(
      again.items.map((item) => (item.kind === 'record' ? item.label : null)),
      [1],
    );
  });
});

describe('a labelled Kafka record', () => {
  it('is the features without the target column, and the label from the version positive class', () => {
    assert.deepEqual(parseRecord('{"tenure": 3, "Churn": "Yes"}', 'Churn', 'Yes'), { record: { tenure: 3 }, label: 1 });
    assert.deepEqual(parseRecord('{"tenure": 3, "Churn": 0}', 'Churn', 'Yes'), { record: { tenure: 3 }, label: 0 });
  });

  it('is skipped with the reason when it is no JSON object or its label is missing or unusable', () => {
    assert.deepEqual(parseRecord('not json', 'Churn', 'Yes'), { reason: 'the value is not JSON' });
    assert.deepEqual(parseRecord('[1, 2]', 'Churn', 'Yes'), {
      reason: 'the value is not a JSON object of column values',
    });
    assert.deepEqual(parseRecord('{"tenure": 3}', 'Churn', 'Yes'), { reason: 'the target column "Churn" is missing' });
    const bad = parseRecord('{"Churn": {"x": 1}}', 'Churn', 'Yes');
    assert.ok('reason' in bad && /^column "Churn": label must be/.test(bad.reason), JSON.stringify(bad));
  });
});
