import { Context, log } from '@temporalio/activity';
import type { ConsumeStreamInput, ConsumeStreamResult } from '../../contracts/stream-activities';
import type { ModelRegistry } from '../../registry/model-registry';
import {
  closeConsumer,
  createConsumer,
  createProducer,
  type InputConsumer,
  type OutputProducer,
} from './kafka-clients';
import { startLabelsLoop } from './labels';
import { PredictionLogThread } from './log-thread';
import { AckedOffsets } from './offsets';
import { StreamProgress } from './progress';
import { scoreUntilStopped } from './score-loop';
import { ServingModel } from './serving-model';

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
          ? startLabelsLoop(input, labelsConsumer, producer, predictionLog, progress, stop)
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
    const why = cancelReason(cancelled);
    // Only the workflow's cancel ends the stream; a worker shutting down hands it to the next attempt.
    if (why !== null && why !== 'CANCELLED') {
      throw new Error(`the stream's consumer stopped (${why}); the next attempt resumes from the committed offsets`);
    }
    log.info('stream consumer stopped', {
      records: counts.records,
      rejected: counts.rejected,
      cancelled: why !== null,
    });
    return { ...counts, cancelled: why !== null };
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

/** Why the activity was cancelled: CANCELLED (the workflow asked), WORKER_SHUTDOWN, TIMED_OUT, …; null when it was not. */
function cancelReason(signal: AbortSignal): string | null {
  if (!signal.aborted) return null;
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}
