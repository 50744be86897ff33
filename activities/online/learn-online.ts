import { Context, heartbeat, log } from '@temporalio/activity';
import type { LearnOnlineInput, LearnOnlineResult, OnlineCursor } from '../../contracts/online';
import { InvalidInputError } from '../../core/errors';
import {
  judgePause,
  ProgressiveWindow,
  readCheckpoint,
  trainerFromState,
  trainerState,
  type ProgressiveTrainer,
  writeCheckpoint,
} from '../../models/online';
import type { RawRecord } from '../../models/types';
import type { PredictionLogReader } from '../../monitoring/prediction-log';
import { pruneCheckpoints } from './checkpoint-files';
import { readFeedback } from './feedback-source';
import { readKafka } from './kafka-source';
import type { LabelledBatch, SourceItem } from './labelled-batch';
import { RECENT_RECORDS, type OnlineMeta } from './meta';
import { ServingScores } from './serving-scores';
import { snapshotOf } from './snapshot';
import type { OnlineDeps } from './start-online';
import { dirname } from 'node:path';

export interface LearnDeps extends OnlineDeps {
  predictionLog: PredictionLogReader;
}

/**
 * One step of online training: from a checkpoint, reads the next labelled records after the cursor
 * it holds, and for each mini-batch predicts (online and serving), then learns; writes a new
 * checkpoint holding the coefficients and the cursor together. The output depends only on the input
 * checkpoint and the records after its cursor, so a retry after a crash re-does the same range: no
 * record is learned twice or skipped. Stops early, right after the update that fired it, when the
 * pause rule fires on the most recent records.
 */
export function createLearnOnlineBatch(deps: LearnDeps) {
  return async function learnOnlineBatch(input: LearnOnlineInput): Promise<LearnOnlineResult> {
    const context = Context.current();
    const state = await readCheckpoint(input.checkpoint.path, input.checkpoint.sha256);
    const meta = state.meta as unknown as OnlineMeta;
    if (meta.modelName !== input.modelName) {
      throw new InvalidInputError(
        `checkpoint ${input.checkpoint.path} belongs to ${meta.modelName}, not ${input.modelName}`,
      );
    }
    const trainer = trainerFromState(state);
    // After a resume the records that fired the pause are behind a person's decision: judge afresh.
    const alarm = input.resumed
      ? new ProgressiveWindow(input.settings.pause.alarmWindow)
      : ProgressiveWindow.fromState(meta.alarm);
    const batch = await readSource(deps, input, meta, context);
    const step = await learnItems(deps, input, meta, trainer, alarm, batch.items);
    const unchanged = step.consumed === 0;
    const checkpoint = unchanged
      ? input.checkpoint
      : await writeCheckpoint(dirname(input.checkpoint.path), trainerState(trainer, { ...meta }));
    if (!unchanged) await pruneCheckpoints(dirname(checkpoint.path), [input.checkpoint.path, checkpoint.path]);
    if (step.learned > 0) {
      log.info('online batch learned', { records: step.learned, recordsLearned: trainer.learner.recordsLearned });
    }
    return {
      checkpoint,
      records: step.learned,
      recordsLearned: trainer.learner.recordsLearned,
      skipped: meta.skipped,
      lastSkipReason: meta.lastSkipReason,
      cursor: meta.cursor,
      metrics: snapshotOf(trainer.snapshot()),
      servingVersion: meta.servingVersion,
      pauseReason: step.pauseReason,
    };
  };
}

async function readSource(
  deps: LearnDeps,
  input: LearnOnlineInput,
  meta: OnlineMeta,
  context: Context,
): Promise<LabelledBatch> {
  const { cursor } = meta;
  if (cursor.kind === 'feedback') {
    // The log is polled: wait (heartbeating) until labels arrive or idleMs passes.
    const until = Date.now() + input.idleMs;
    for (;;) {
      const batch = readFeedback(deps.predictionLog, input.modelName, cursor, input.maxRecords);
      if (batch.items.length > 0 || Date.now() >= until || context.cancellationSignal.aborted) return batch;
      heartbeat({ waiting: 'feedback' });
      await context.sleep(Math.min(500, Math.max(1, until - Date.now()))).catch(() => undefined);
    }
  }
  if (input.source === 'feedback') throw new InvalidInputError('the checkpoint reads Kafka but the source is feedback');
  const { workflowExecution, activityId, attempt } = context.info;
  const owner = `${workflowExecution?.workflowId ?? 'online'}-${activityId}-${attempt}`;
  return readKafka({
    brokers: input.source.kafka.brokers,
    topic: input.source.kafka.topic,
    offsets: cursor.offsets,
    target: meta.target,
    positiveLabel: meta.positiveLabel,
    max: input.maxRecords,
    idleMs: input.idleMs,
    clientId: `mlcycle-online-${owner}`.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200),
    signal: context.cancellationSignal,
    onWait: () => heartbeat({ waiting: 'kafka' }),
  });
}

/** Learns the items in mini-batches, updating `meta` (cursor, skips, windows, recent records) as it goes. */
async function learnItems(
  deps: LearnDeps,
  input: LearnOnlineInput,
  meta: OnlineMeta,
  trainer: ProgressiveTrainer,
  alarm: ProgressiveWindow,
  items: SourceItem[],
): Promise<{ learned: number; consumed: number; pauseReason: string | null }> {
  const records = items.flatMap((item) => (item.kind === 'record' ? [item.record] : []));
  const scores = new ServingScores(deps.registry);
  let serving: { version: number; probabilities: ArrayLike<number> };
  try {
    serving = await scores.score(input.modelName, meta.parentVersion, records);
  } finally {
    await scores.close();
  }
  if (records.length > 0) meta.servingVersion = serving.version;
  const { pause } = input.settings;
  let learned = 0;
  let skipped = 0;
  let pending: { record: RawRecord; label: 0 | 1; serving: number; cursor: OnlineCursor }[] = [];
  let pauseReason: string | null = null;
  const flush = () => {
    if (pending.length === 0) return;
    const report = trainer.process(
      pending.map((p) => p.record),
      pending.map((p) => p.label),
      pending.map((p) => p.serving),
    );
    pending.forEach((p, i) => alarm.add(p.label, report.onlineProbabilities[i] as number, p.serving));
    keepRecent(meta, pending);
    meta.cursor = (pending[pending.length - 1] as (typeof pending)[number]).cursor;
    learned += pending.length;
    pending = [];
    const verdict = judgePause(alarm.snapshot(), {
      minRecords: pause.alarmWindow,
      logLossMargin: pause.logLossMargin,
      minServingRocAuc: pause.minServingRocAuc,
    });
    if (verdict.verdict) pauseReason = verdict.reason;
    heartbeat({ learned });
  };
  for (const item of items) {
    if (item.kind === 'skip') {
      // Counted once it is behind the cursor: before the pending mini-batch's records it would be, so learn those first.
      flush();
      if (pauseReason !== null) break;
      meta.skipped += 1;
      meta.lastSkipReason = item.reason;
      meta.cursor = item.cursor;
      skipped += 1;
      continue;
    }
    const servingProbability = serving.probabilities[learned + pending.length] as number;
    pending.push({ record: item.record, label: item.label, serving: servingProbability, cursor: item.cursor });
    if (pending.length === input.settings.batchSize) flush();
    if (pauseReason !== null) break;
  }
  if (pauseReason === null) flush();
  meta.alarm = alarm.toState();
  return { learned, consumed: learned + skipped, pauseReason };
}

function keepRecent(meta: OnlineMeta, learned: { record: RawRecord; label: 0 | 1 }[]): void {
  meta.recent.records.push(...learned.map((l) => l.record));
  meta.recent.labels.push(...learned.map((l) => l.label));
  const extra = meta.recent.records.length - RECENT_RECORDS;
  if (extra > 0) {
    meta.recent.records.splice(0, extra);
    meta.recent.labels.splice(0, extra);
  }
}
