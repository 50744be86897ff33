import { Context, log } from '@temporalio/activity';
import type { Message } from '@platformatic/kafka';
import type { ConsumeStreamInput, ConsumeStreamResult } from '../../contracts/stream-activities';
import type { ModelRegistry } from '../../registry/model-registry';
import { BatchReader } from './batch-reader';
import {
  closeConsumer,
  createConsumer,
  createProducer,
  type InputConsumer,
  type OutputProducer,
} from './kafka-clients';
import { runLabelsLoop } from './labels';
import { PredictionLogThread } from './log-thread';
import { AckedOffsets, groupLag } from './offsets';
import { StreamProgress } from './progress';
import { InFlightSends } from './in-flight';
import { type ScoredBatch, scoreBatch } from './score-batch';
import { ServingModel } from './serving-model';

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

export interface StreamDeps {
  registry: ModelRegistry;
  home: string;
}

/**
 * The consumer of `streamScore`: reads the input topic in micro-batches, scores each batch with the
 * serving version in one ONNX call, produces a result per record (dead letters for bad ones), logs the
 * predictions, and commits offsets only once the broker has acknowledged the results (at least once,
 * never lost). Runs until cancelled or for `segmentMs`; either way it commits, closes and returns.
 */
export function createConsumeStream({ registry, home }: StreamDeps) {
  return async function consumeStream(input: ConsumeStreamInput): Promise<ConsumeStreamResult> {
    const context = Context.current();
    const stop = new AbortController();
    const cancelled = context.cancellationSignal;
    cancelled.addEventListener('abort', () => stop.abort(), { once: true });
    const segment = setTimeout(() => stop.abort(), input.segmentMs);
    const owner = context.info.workflowExecution?.workflowId ?? context.info.activityId;
    const clientId = `mlcycle-stream-${owner}`.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
    const progress = new StreamProgress();
    const model = new ServingModel(registry, input.modelName);
    const consumer = createConsumer(input.brokers, input.groupId, clientId);
    const producer = createProducer(input.brokers, clientId);
    const labelsConsumer = input.labelsTopic
      ? createConsumer(input.brokers, `${input.groupId}-labels`, clientId)
      : null;
    const offsets = new AckedOffsets();
    let failure: Error | undefined;
    // A client that gives up (a group it cannot rejoin while the broker is away) emits 'error'; unheard,
    // that would crash the worker. It ends the attempt instead, and the retry starts over from the commits.
    const onClientError = (err: Error) => {
      failure ??= err;
      stop.abort();
    };
    for (const client of [consumer, producer, labelsConsumer]) client?.on('error', onClientError);
    const predictionLog = new PredictionLogThread(home, (message, fatal) => {
      if (fatal) onClientError(new Error(message));
      else log.warn(message);
    });
    try {
      await progress.forwardPreviousAttempt();
      await model.start();
      await untilServing(model, progress, stop.signal);
      const labels =
        labelsConsumer && input.labelsTopic
          ? startLabels(input, labelsConsumer, producer, predictionLog, progress, stop)
          : null;
      await scoreUntilStopped(input, consumer, producer, model, predictionLog, offsets, progress, stop.signal);
      await labels?.done();
    } catch (err) {
      failure ??= err instanceof Error ? err : new Error(String(err));
    } finally {
      clearTimeout(segment);
      await closeAll(consumer, producer, labelsConsumer, model, predictionLog);
    }
    progress.tally.lastOffsets = offsets.committedOffsets();
    // Sent on failure too: the retry is a new attempt with counts of its own, and the workflow adds these.
    const counts = await progress.final();
    if (failure) throw failure;
    log.info('stream consumer stopped', {
      records: counts.records,
      rejected: counts.rejected,
      cancelled: cancelled.aborted,
    });
    return { ...counts, cancelled: cancelled.aborted };
  };
}

async function scoreUntilStopped(
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
        // Resolves once every in-sync replica has every message (acks=all); only then are offsets committed.
        // Logged before the results can be seen: a label sent back for one always finds its prediction.
        predictionLog.append(scored.logEntries);
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

function startLabels(
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

/** Waits, heartbeating, until the model has a serving version (a stream started before the first deploy). */
async function untilServing(model: ServingModel, progress: StreamProgress, signal: AbortSignal): Promise<void> {
  let told = false;
  while (model.servingVersion() === undefined && !signal.aborted) {
    if (!told) log.info('stream waits for a serving version');
    told = true;
    await progress.tick(() => Promise.resolve());
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function closeAll(
  consumer: InputConsumer,
  producer: OutputProducer,
  labelsConsumer: InputConsumer | null,
  model: ServingModel,
  predictionLog: PredictionLogThread,
): Promise<void> {
  const results = await Promise.allSettled([
    closeConsumer(consumer),
    producer.close(),
    labelsConsumer && closeConsumer(labelsConsumer),
    model.close(),
    predictionLog.close(),
  ]);
  for (const result of results) {
    if (result.status === 'rejected') log.warn('closing a stream client failed', { error: String(result.reason) });
  }
}
