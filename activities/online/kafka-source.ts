import { Consumer, MessagesStreamModes, stringDeserializers, type Message } from '@platformatic/kafka';
import type { OnlineCursor } from '../../contracts/online';
import { parseLabel } from '../../monitoring/prediction-log/labels';
import type { RawRecord } from '../../models/types';
import { BatchReader } from '../stream/batch-reader';
import { partitionKey } from '../stream/kafka-clients';
import type { LabelledBatch } from './labelled-batch';

type TextConsumer = Consumer<string, string, string, string>;
type TextMessage = Message<string, string, string, string>;

export interface KafkaRead {
  brokers: string[];
  topic: string;
  /** Next offset to read by `topic:partition`; a partition not in it is read from its earliest offset. */
  offsets: Record<string, string>;
  /** Column of the record holding the label, and the version's positive class. */
  target: string;
  positiveLabel: string;
  max: number;
  idleMs: number;
  /** Unique per activity attempt: the reader's own group, which it leaves on close. */
  clientId: string;
  signal: AbortSignal;
  /** Called while waiting, so the activity heartbeats. */
  onWait: () => void;
}

// The online learner keeps its Kafka offsets in its checkpoint, not in a consumer group: the offsets
// and the coefficients learned from the records before them are then saved in one file, so a crash
// between learning and committing cannot exist, and a record is learned exactly once.

/** The next labelled records after `offsets`, at most `max`; empty after `idleMs` when there are none. */
export async function readKafka(read: KafkaRead): Promise<LabelledBatch> {
  const consumer: TextConsumer = new Consumer({
    clientId: read.clientId,
    groupId: read.clientId,
    bootstrapBrokers: read.brokers,
    autocommit: false,
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 3_000,
    maxWaitTime: 100,
    retries: 3,
    retryDelay: 500,
  });
  try {
    const start = await startOffsets(consumer, read);
    if (start === null) return { items: [] };
    const stream = await consumer.consume({
      topics: [read.topic],
      mode: MessagesStreamModes.MANUAL,
      offsets: [...start.next].map(([partition, offset]) => ({ topic: read.topic, partition, offset })),
    });
    try {
      const reader = new BatchReader<TextMessage>(stream);
      const messages: TextMessage[] = [];
      const want = Math.min(read.max, start.available);
      while (messages.length < want && !read.signal.aborted) {
        // Offsets can have gaps (transaction markers, compaction): stop when nothing more comes soon.
        const more = await reader.next(
          want - messages.length,
          50,
          messages.length === 0 ? read.idleMs : 500,
          read.signal,
        );
        if (more.length === 0) break;
        messages.push(...more);
        read.onWait();
      }
      return toBatch(messages, start.next, read);
    } finally {
      await stream.close();
    }
  } finally {
    await closeReader(consumer);
  }
}

/** Next offset of every partition and how many records lie beyond them; null when none came within idleMs. */
async function startOffsets(
  consumer: TextConsumer,
  read: KafkaRead,
): Promise<{ next: Map<number, bigint>; available: number } | null> {
  const until = Date.now() + read.idleMs;
  for (;;) {
    const latest = (await consumer.listOffsets({ topics: [read.topic] })).get(read.topic) ?? [];
    const earliest = (await consumer.listOffsets({ topics: [read.topic], timestamp: -2n })).get(read.topic) ?? [];
    const next = new Map<number, bigint>();
    let available = 0n;
    latest.forEach((end, partition) => {
      const saved = read.offsets[partitionKey(read.topic, partition)];
      const from = saved === undefined ? (earliest[partition] ?? 0n) : BigInt(saved);
      next.set(partition, from);
      if (end > from) available += end - from;
    });
    if (available > 0n) return { next, available: Number(available) };
    if (Date.now() >= until || read.signal.aborted) return null;
    read.onWait();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function toBatch(messages: TextMessage[], start: Map<number, bigint>, read: KafkaRead): LabelledBatch {
  const batch: LabelledBatch = { items: [] };
  const next = new Map(start);
  const cursorNow = (): OnlineCursor => ({
    kind: 'kafka',
    offsets: Object.fromEntries(
      [...next].map(([partition, offset]) => [partitionKey(read.topic, partition), offset.toString()]),
    ),
  });
  for (const message of messages) {
    const expected = next.get(message.partition);
    // A fetch can start before the requested offset (a compressed batch): records before it were learned already.
    if (expected !== undefined && message.offset < expected) continue;
    next.set(message.partition, message.offset + 1n);
    const parsed = parseRecord(message.value, read.target, read.positiveLabel);
    const where = `${read.topic}:${message.partition}@${message.offset}`;
    if ('reason' in parsed) {
      batch.items.push({ kind: 'skip', cursor: cursorNow(), reason: `${where}: ${parsed.reason}` });
      continue;
    }
    batch.items.push({ kind: 'record', record: parsed.record, label: parsed.label, cursor: cursorNow() });
  }
  return batch;
}

/** A message's JSON object: the features, and the label in the target column. */
export function parseRecord(
  value: string | undefined,
  target: string,
  positiveLabel: string,
): { record: RawRecord; label: 0 | 1 } | { reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '');
  } catch {
    return { reason: 'the value is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { reason: 'the value is not a JSON object of column values' };
  }
  const record = { ...(parsed as RawRecord) };
  if (!Object.hasOwn(record, target)) return { reason: `the target column "${target}" is missing` };
  const label = parseLabel(record[target], positiveLabel);
  if ('error' in label) return { reason: `column "${target}": ${label.error}` };
  delete record[target];
  return { record, label: label.label };
}

/** Leaves the reader's group and closes; when the broker is unreachable, closes by force. */
async function closeReader(consumer: TextConsumer): Promise<void> {
  try {
    await consumer.close();
  } catch {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}
