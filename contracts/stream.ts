import { Type, type Static } from 'typebox';
import { ModelName } from './common';

export const Broker = Type.String({ pattern: '^[^\\s:]+:[0-9]{1,5}$', description: 'host:port of a Kafka broker' });
export const Topic = Type.String({ pattern: '^[A-Za-z0-9._-]{1,249}$', description: 'Kafka topic name' });

/**
 * The task queue of the stream consumers of workflows on `taskQueue`. A consumer runs for as long as
 * its stream does: on the main queue each one would hold an activity slot that training and batch
 * chunks need, so two streams could starve a worker. Every worker polls both queues.
 */
export function streamTaskQueueOf(taskQueue: string): string {
  return `${taskQueue}-streams`;
}

/** `streamScore` input: plain JSON, so the Temporal CLI can start it. */
export const StreamScoreInputSchema = Type.Object({
  modelName: ModelName,
  brokers: Type.Array(Broker, { minItems: 1 }),
  inputTopic: Topic,
  outputTopic: Topic,
  /** Records that cannot be scored go here with the reason (default: `<inputTopic>.dlq`). */
  deadLetterTopic: Type.Optional(Topic),
  /** Consumer group (default: `mlcycle-stream-<modelName>`). */
  groupId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  /** Topic of true outcomes, key = prediction id, value = label; stored like POST /feedback. */
  labelsTopic: Type.Optional(Topic),
});
export type StreamScoreInput = Static<typeof StreamScoreInputSchema>;

/** Next offset to read, by `topic:partition`. */
export type StreamOffsets = Record<string, string>;

/** Result on cancel. */
export interface StreamScoreResult {
  records: number;
  rejected: number;
  lastOffsets: StreamOffsets;
}

/** The `progress` query of a `streamScore` run. */
export interface StreamScoreProgress {
  modelName: string;
  /** Version that scored the last batch. */
  version: number | null;
  records: number;
  rejected: number;
  labels: number;
  recordsPerSecond: number;
  /** Records on the input topic not yet consumed by the group, summed over partitions; null until known. */
  lag: number | null;
  lastOffsets: StreamOffsets;
  /** When the counts were last reported by the consumer activity. */
  updatedAt: string | null;
}
