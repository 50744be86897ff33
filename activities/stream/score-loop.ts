import type { Message } from '@platformatic/kafka';
import type { ConsumeStreamInput } from '../../contracts/stream-activities';
import { BatchReader } from './batch-reader';
import { InFlightSends } from './in-flight';
import type { InputConsumer, OutputProducer } from './kafka-clients';
import type { PredictionLogThread } from './log-thread';
import { type AckedOffsets, groupLag } from './offsets';
import type { StreamProgress } from './progress';
import { type ScoredBatch, scoreBatch } from './score-batch';
import type { ServingModel } from './serving-model';

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Micro-batch: at most this many records, or what arrives within LINGER_MS of the first. */
const MAX_BATCH = 500;
const LINGER_MS = 20;
/** Longest wait for a record before the loop heartbeats anyway. */
const IDLE_MS = 1_000;
/** Result batches sent and not yet acknowledged, at most. */
const MAX_IN_FLIGHT = 4;
/** Acknowledged offsets are committed at most this often (and always before closing). */
const COMMIT_EVERY_MS = 500;

/**
 * Reads, scores and sends until `signal` aborts, then waits for the sends in flight and commits. Offsets
 * are committed only for batches whose results the broker acknowledged.
 */
export async function scoreUntilStopped(
  input: ConsumeStreamInput,
  consumer: InputConsumer,
  producer: OutputProducer,
  model: ServingModel,
  predictionLog: PredictionLogThread,
  offsets: AckedOffsets,
  progress: StreamProgress,
  signal: AbortSignal,
): Promise<void> {
  const stream = await consumer.consume({
    topics: [input.inputTopic],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: false,
  });
  const reader = new BatchReader<KafkaMessage>(stream);
  const { tally } = progress;
  let lastCommit = Date.now();
  const refresh = async () => {
    tally.lastOffsets = offsets.committedOffsets();
    tally.lag = await groupLag(consumer, input.inputTopic);
  };
  const sends = new InFlightSends<{ batch: KafkaMessage[]; scored: ScoredBatch }>(
    MAX_IN_FLIGHT,
    ({ batch, scored }) => {
      offsets.add(batch);
      tally.records += scored.scored;
      tally.rejected += scored.rejected;
      tally.version = scored.version;
    },
  );
  try {
    while (!signal.aborted) {
      const batch = await reader.next(MAX_BATCH, LINGER_MS, IDLE_MS, signal);
      if (batch.length > 0) {
        const scored = await model.withModel((loaded) => scoreBatch(batch, loaded, input));
        // Logged before the results can be seen: a label sent back for one always finds its prediction.
        predictionLog.append(scored.logged);
        // A send resolves once every in-sync replica has every message (acks=all).
        await sends.add({ batch, scored }, producer.send({ messages: scored.messages }));
      }
      await sends.settleFinished();
      if (Date.now() - lastCommit >= COMMIT_EVERY_MS) {
        await offsets.commit(consumer);
        lastCommit = Date.now();
      }
      await progress.tick(refresh);
    }
    await sends.drain();
    await offsets.commit(consumer);
  } finally {
    await stream.close();
  }
}
