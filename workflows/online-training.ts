import {
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnlineActivities } from '../activities/online';
import { streamTaskQueueOf } from '../contracts/stream';
import type { LearnOnlineResult, OnlineTrainingProgress, OnlineTrainingResult } from '../contracts/online';
import { NON_RETRYABLE_ERROR_TYPES } from '../core/errors';
import { ACTIVITY_RETRY } from './activity-retry';
import { onlinePublish } from './online-publish';
import { checkOnlineTrainingInput, type CheckedOnlineInput } from './online-training-input';
import { initialProgress, type OnlineCarry, progressMarkdown, PUBLISHED_SHOWN } from './online-training-progress';
import { ML_STEP, MODEL_NAME } from './search-attributes';

export const onlineProgressQuery = defineQuery<OnlineTrainingProgress>('progress');
export const pauseSignal = defineSignal<[reason?: string]>('pause');
export const resumeSignal = defineSignal('resume');
export const stopSignal = defineSignal('stop');

const { startOnlineTraining } = proxyActivities<OnlineActivities>({
  startToCloseTimeout: '2 minutes',
  retry: ACTIVITY_RETRY,
});
// A source has no end: a broker or log that is away is waited out (no maximumAttempts, backing off to
// 30 s); a lost worker is noticed by the heartbeat timeout and the retry re-does the same range. Learn
// calls wait on their source for seconds at a time: they run on the stream queue (see streamTaskQueueOf),
// never holding the main queue's slots that training needs.
function learner(): OnlineActivities['learnOnlineBatch'] {
  return proxyActivities<OnlineActivities>({
    taskQueue: streamTaskQueueOf(workflowInfo().taskQueue),
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '30 seconds',
      nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
    },
  }).learnOnlineBatch;
}

/** Records one learn call takes at most: a checkpoint every few thousand records. */
const RECORDS_PER_CALL = 2_000;
/** How long a learn call waits for records when there are none. */
const IDLE_MS = 5_000;
// Each learn call adds a handful of events; past this many the run continues as new.
const HISTORY_EVENTS_BEFORE_CONTINUE = 2_000;

/**
 * Keeps the serving model learning from labelled records, until stopped: warm-starts from the serving
 * version, then learns the source in calls of a few thousand records, each reading after the cursor
 * of the last checkpoint and writing the next. Every `publishEvery` records (or minutes) the online
 * model becomes a candidate version (`onlinePublish`), deployed only when it beats serving. Pauses by
 * itself when the labels or its own metrics call for a person (models/online/rules.ts); `pause`,
 * `resume` and `stop` signals.
 */
export async function onlineTraining(rawInput: unknown, carried?: OnlineCarry): Promise<OnlineTrainingResult> {
  const checked = checkOnlineTrainingInput(rawInput);
  const { input } = checked;
  const carry: OnlineCarry = carried ?? {
    progress: initialProgress(input.modelName),
    publishedAtRecord: 0,
    publishedAt: Date.now(),
    startedAt: Date.now(),
  };
  const { progress } = carry;
  const sourceName = input.source === 'feedback' ? 'feedback' : `Kafka topic ${input.source.kafka.topic}`;
  let stopRequested = false;
  let resumed = false;
  const show = () => setCurrentDetails(progressMarkdown(progress, sourceName));
  const step = (state: OnlineTrainingProgress['state']) => {
    if (progress.state !== state) upsertSearchAttributes([{ key: ML_STEP, value: `online-${state}` }]);
    progress.state = state;
    show();
  };
  setHandler(onlineProgressQuery, () => progress);
  setHandler(pauseSignal, (reason) => {
    if (progress.paused) return;
    progress.paused = true;
    progress.pauseReason = reason ? `paused by hand: ${reason}` : 'paused by hand';
  });
  setHandler(resumeSignal, () => {
    if (!progress.paused) return;
    progress.paused = false;
    progress.pauseReason = null;
    resumed = true;
  });
  setHandler(stopSignal, () => void (stopRequested = true));
  upsertSearchAttributes([{ key: MODEL_NAME, value: input.modelName }]);

  const learnOnlineBatch = learner();
  if (progress.checkpoint === null) {
    step('starting');
    const started = await startOnlineTraining({
      modelName: input.modelName,
      source: input.source,
      settings: checked.settings,
      startedAt: carry.startedAt,
    });
    Object.assign(progress, {
      checkpoint: started.checkpoint,
      parentVersion: started.parentVersion,
      servingVersion: started.parentVersion,
      cursor: started.cursor,
      metrics: started.metrics,
    });
  }
  for (;;) {
    if (stopRequested) return stop(progress, sourceName);
    if (progress.paused) {
      step('paused');
      await condition(() => !progress.paused || stopRequested);
      continue;
    }
    if (publishDue(checked, carry)) {
      step('publishing');
      await publish(checked, carry);
      continue;
    }
    step('learning');
    const learned = await learnOnlineBatch({
      modelName: input.modelName,
      source: input.source,
      settings: checked.settings,
      checkpoint: progress.checkpoint as NonNullable<typeof progress.checkpoint>,
      maxRecords: Math.max(
        1,
        Math.min(RECORDS_PER_CALL, checked.publishEvery - (progress.recordsLearned - carry.publishedAtRecord)),
      ),
      idleMs: IDLE_MS,
      resumed,
    });
    resumed = false;
    record(progress, learned);
    if (learned.records === 0) step('waiting');
    else show();
    const info = workflowInfo();
    if (!stopRequested && (info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_BEFORE_CONTINUE)) {
      await continueAsNew<typeof onlineTraining>(rawInput, carry);
    }
  }
}

function record(progress: OnlineTrainingProgress, learned: LearnOnlineResult): void {
  Object.assign(progress, {
    checkpoint: learned.checkpoint,
    recordsLearned: learned.recordsLearned,
    recordsSkipped: learned.skipped,
    lastSkipReason: learned.lastSkipReason,
    cursor: learned.cursor,
    metrics: learned.metrics,
    servingVersion: learned.servingVersion,
    updatedAt: new Date().toISOString(),
  });
  if (learned.pauseReason !== null && !progress.paused) {
    progress.paused = true;
    progress.pauseReason = learned.pauseReason;
  }
}

function publishDue({ publishEvery, publishEveryMs }: CheckedOnlineInput, carry: OnlineCarry): boolean {
  const fresh = carry.progress.recordsLearned - carry.publishedAtRecord;
  if (fresh <= 0) return false;
  return fresh >= publishEvery || (publishEveryMs !== null && Date.now() - carry.publishedAt >= publishEveryMs);
}

/** The online model as a candidate version, through a child run; a failed publish is recorded, not fatal. */
async function publish(checked: CheckedOnlineInput, carry: OnlineCarry): Promise<void> {
  const { progress } = carry;
  const fromRecord = carry.publishedAtRecord + 1;
  const toRecord = progress.recordsLearned;
  const { workflowId } = workflowInfo();
  let outcome: { version: number | null; deployed: boolean; reason: string };
  try {
    outcome = await executeChild(onlinePublish, {
      workflowId: `${workflowId}-publish-${toRecord}`,
      args: [
        {
          modelName: checked.input.modelName,
          checkpoint: progress.checkpoint as NonNullable<typeof progress.checkpoint>,
          parentVersion: progress.parentVersion as number,
          source: checked.input.source,
          fromRecord,
          toRecord,
          trainingWorkflowId: workflowId,
          deploy: checked.deploy,
        },
      ],
    });
  } catch (err) {
    if (!(err instanceof ChildWorkflowFailure)) throw err;
    outcome = { version: null, deployed: false, reason: `publishing failed: ${err.cause?.message ?? err.message}` };
  }
  progress.published.push({ ...outcome, fromRecord, toRecord, at: new Date().toISOString() });
  progress.published.splice(0, Math.max(0, progress.published.length - PUBLISHED_SHOWN));
  carry.publishedAtRecord = toRecord;
  carry.publishedAt = Date.now();
}

function stop(progress: OnlineTrainingProgress, sourceName: string): OnlineTrainingResult {
  progress.state = 'stopped';
  upsertSearchAttributes([{ key: ML_STEP, value: 'online-stopped' }]);
  setCurrentDetails(progressMarkdown(progress, sourceName));
  const { modelName, recordsLearned, recordsSkipped, published, metrics, checkpoint, cursor } = progress;
  return { modelName, recordsLearned, recordsSkipped, published, metrics, checkpoint, cursor };
}
