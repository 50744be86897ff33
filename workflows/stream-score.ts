import { ActivityCancellationType, type ActivityOptions } from '@temporalio/common';
import {
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { StreamActivities } from '../activities/stream';
import {
  streamTaskQueueOf,
  type StreamScoreInput,
  type StreamScoreProgress,
  type StreamScoreResult,
} from '../contracts/stream';
import { type ConsumeStreamResult, STREAM_PROGRESS_SIGNAL, type StreamCounts } from '../contracts/stream-activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../core/errors';
import { ML_STEP, MODEL_NAME } from './search-attributes';
import { checkStreamScoreInput } from './stream-score-input';
import { progressMarkdown, type StreamCarry, StreamTotals } from './stream-score-totals';

export const streamScoreProgressQuery = defineQuery<StreamScoreProgress>('progress');
/** Sent by the consumer activity every few seconds: the workflow cannot read heartbeat details meanwhile. */
export const streamProgressSignal = defineSignal<[StreamCounts]>(STREAM_PROGRESS_SIGNAL);

// A stream has no end: retry forever (no maximumAttempts), backing off to 30 s, so a broker down for an hour is waited out;
// a lost worker is noticed by the heartbeat timeout. Cancellation waits for the consumer to commit and close.
const consumerOptions: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

/** The consumer activity, on the stream queue of the queue this run is on (see streamTaskQueueOf). */
function streamConsumer(): StreamActivities['consumeStream'] {
  const taskQueue = streamTaskQueueOf(workflowInfo().taskQueue);
  return proxyActivities<StreamActivities>({ ...consumerOptions, taskQueue }).consumeStream;
}

// Each progress signal adds a few events; past this many the run continues as new between two segments.
const HISTORY_EVENTS_BEFORE_CONTINUE = 2000;

/**
 * Scores a Kafka topic until cancelled: one long-running consumer activity at a time, each running
 * a segment of ten minutes and handing over to the next, so the history stays bounded (continue-as-new
 * carries the counts). Cancelling stops the consumer after it committed what it produced, and the run
 * returns its counts.
 */
export async function streamScore(rawInput: StreamScoreInput, carried?: StreamCarry): Promise<StreamScoreResult> {
  const input = checkStreamScoreInput(rawInput);
  const { modelName } = input;
  const totals = new StreamTotals(carried);
  const show = () => setCurrentDetails(progressMarkdown(totals.progress(modelName), input));
  setHandler(streamScoreProgressQuery, () => totals.progress(modelName));
  setHandler(streamProgressSignal, (counts) => {
    totals.report(counts);
    show();
  });
  upsertSearchAttributes([
    { key: MODEL_NAME, value: modelName },
    { key: ML_STEP, value: 'streaming' },
  ]);
  show();
  const consumeStream = streamConsumer();
  for (;;) {
    let segment: ConsumeStreamResult;
    try {
      segment = await consumeStream(input);
    } catch (err) {
      if (!isCancellation(err)) throw err;
      // The consumer committed and reported its final counts before it acknowledged the cancel.
      return stopped(totals, modelName, input);
    }
    totals.finish(segment.attemptKey, segment);
    show();
    if (segment.cancelled) return stopped(totals, modelName, input);
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_BEFORE_CONTINUE) {
      await continueAsNew<typeof streamScore>(rawInput, totals.carry());
    }
  }
}

function stopped(
  totals: StreamTotals,
  modelName: string,
  input: { inputTopic: string; outputTopic: string },
): StreamScoreResult {
  upsertSearchAttributes([{ key: ML_STEP, value: 'stopped' }]);
  setCurrentDetails(`${progressMarkdown(totals.progress(modelName), input)}\n\nstopped (cancelled)`);
  return totals.result();
}
