import type { Message } from '@platformatic/kafka';
import type { ConsumeStreamInput } from '../../contracts/stream-activities';
import type { DeadLetterMessage } from '../../contracts/stream-messages';
import type { FeedbackLabel } from '../../monitoring/prediction-log';
import { BatchReader } from './batch-reader';
import type { InputConsumer, OutputProducer } from './kafka-clients';
import type { PredictionLogThread } from './log-thread';
import { AckedOffsets } from './offsets';
import type { StreamProgress } from './progress';

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

export interface LabelsLoopOptions {
  consumer: InputConsumer;
  producer: OutputProducer;
  predictionLog: PredictionLogThread;
  labelsTopic: string;
  deadLetterTopic: string;
  signal: AbortSignal;
  /** Called with the number of labels stored after each batch. */
  onStored: (count: number) => void;
}

/**
 * Reads the labels topic (key = prediction id, value = the true outcome: 0/1, true/false, yes/no or the
 * class name, as JSON or plain text) and stores each label as POST /feedback does. Labels of unknown ids
 * and invalid labels go to the dead-letter topic; offsets are committed once both are done.
 */
export async function runLabelsLoop(options: LabelsLoopOptions): Promise<void> {
  const { consumer, producer, predictionLog, signal } = options;
  const stream = await consumer.consume({
    topics: [options.labelsTopic],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: false,
  });
  const reader = new BatchReader<KafkaMessage>(stream);
  const offsets = new AckedOffsets();
  try {
    while (!signal.aborted) {
      const batch = await reader.next(1000, 20, 1000, signal);
      if (batch.length === 0) continue;
      const { stored, deadLetters } = await storeLabels(batch, predictionLog, options.deadLetterTopic);
      if (deadLetters.length > 0) await producer.send({ messages: deadLetters });
      options.onStored(stored);
      offsets.add(batch);
      await offsets.commit(consumer);
    }
  } finally {
    await stream.close();
  }
}

async function storeLabels(batch: readonly KafkaMessage[], log: PredictionLogThread, deadLetterTopic: string) {
  const labels: FeedbackLabel[] = batch.map((message) => ({
    id: message.key?.toString('utf8') ?? '',
    label: labelValue(message.value),
  }));
  // All or nothing per call: invalid entries are taken out and the rest stored in a second call.
  const first = await log.recordFeedback(labels);
  const invalid = new Map(first.invalid.map((problem) => [problem.index, problem.message]));
  let stored = first.accepted;
  let unknown = new Set(first.unknown);
  if (invalid.size > 0) {
    const second = await log.recordFeedback(labels.filter((_, index) => !invalid.has(index)));
    stored = second.accepted;
    unknown = new Set(second.unknown);
  }
  const deadLetters = batch.flatMap((message, index) => {
    const id = labels[index]?.id ?? '';
    const reason = invalid.get(index) ?? (unknown.has(id) ? `unknown prediction id ${JSON.stringify(id)}` : undefined);
    if (reason === undefined) return [];
    const letter: DeadLetterMessage = {
      reason: `label not stored: ${reason}`,
      problems: [{ field: invalid.has(index) ? 'label' : 'id', message: reason }],
      value: message.value ? message.value.toString('utf8') : null,
      key: id === '' ? null : id,
      source: { topic: message.topic, partition: message.partition, offset: message.offset.toString() },
    };
    return [{ topic: deadLetterTopic, ...(id === '' ? {} : { key: id }), value: JSON.stringify(letter) }];
  });
  return { stored, deadLetters };
}

/** A JSON value when the text is JSON (1, true, "Yes"), else the text itself (Yes). */
function labelValue(value: Buffer | undefined): unknown {
  const text = value?.toString('utf8').trim() ?? '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Runs the labels loop beside the scoring loop; a failure stops both (the attempt is retried as one). */
export function startLabelsLoop(
  input: ConsumeStreamInput,
  consumer: InputConsumer,
  producer: OutputProducer,
  predictionLog: PredictionLogThread,
  progress: StreamProgress,
  stop: AbortController,
): { done(): Promise<void> } {
  let failure: Error | undefined;
  const running = runLabelsLoop({
    consumer,
    producer,
    predictionLog,
    labelsTopic: input.labelsTopic as string,
    deadLetterTopic: input.deadLetterTopic,
    signal: stop.signal,
    onStored: (count) => {
      progress.tally.labels += count;
    },
  }).catch((err: unknown) => {
    // A failing labels consumer stops the whole activity, which is retried as one.
    failure = err instanceof Error ? err : new Error(`labels consumer failed: ${JSON.stringify(err)}`);
    stop.abort();
  });
  return {
    async done() {
      await running;
      if (failure) throw failure;
    },
  };
}
