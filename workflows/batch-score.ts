import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { BatchActivities } from '../activities/batch';
import {
  BatchScoreInputSchema,
  type BatchScoreInput,
  type BatchScoreProgress,
  type BatchScoreResult,
} from '../contracts/batch';
import type {
  BatchChunk,
  BatchFiles,
  ChunkResult,
  JoinBatchResult,
  RejectReasonCount,
} from '../contracts/batch-activities';
import { schemaProblems } from '../contracts/check';
import { ACTIVITY_RETRY as retry } from './activity-retry';
import { invalidInput } from './invalid-input';
import { ML_STEP, MODEL_NAME, MODEL_VERSION } from './search-attributes';

export const batchScoreProgressQuery = defineQuery<BatchScoreProgress>('progress');

const DEFAULT_CHUNK_ROWS = 100_000;
const DEFAULT_MAX_ERROR_RATE = 0.01;
/**
 * Chunks scheduled at once: more than one worker takes (two each), so every worker polling the queue
 * gets some, and few enough that the run's history stays small.
 */
const CHUNKS_AT_ONCE = 8;
/** The failure type of a run that rejected more rows than its `maxErrorRate` allows. */
export const TOO_MANY_REJECTS = 'TooManyRejectsError';

const { planBatchScore, joinBatchParts, logBatchSample } = proxyActivities<BatchActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry,
});
// A chunk heartbeats after every block it reads: a worker that dies is noticed within 30 s and the
// chunk is scored again elsewhere.
const { scoreBatchChunk } = proxyActivities<BatchActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry,
});
const { removeBatchParts } = proxyActivities<BatchActivities>({ startToCloseTimeout: '5 minutes', retry });

/**
 * Scores a CSV or Parquet file with a model version (the serving one by default): plans chunks, scores
 * them as activities several at once on every worker of the queue, joins their parts into the output
 * in input order, writes the rejected rows with their reasons beside it, and logs a sample of the
 * scores for drift monitoring. Finished chunks are in the run's history, so a run whose worker died
 * resumes from them, and every row is in the output exactly once.
 */
export async function batchScore(rawInput: BatchScoreInput): Promise<BatchScoreResult> {
  const problems = schemaProblems(BatchScoreInputSchema, rawInput);
  if (problems.length > 0) throw invalidInput('batchScore', problems);
  const input = rawInput;
  const started = Date.now();
  const progress: BatchScoreProgress = {
    modelName: input.modelName,
    version: input.version ?? null,
    phase: 'checking',
    rowsDone: 0,
    rowsTotal: null,
    rejectedRows: 0,
    chunksDone: 0,
    chunksTotal: null,
    rowsPerSecond: 0,
  };
  setHandler(batchScoreProgressQuery, () => progress);
  upsertSearchAttributes([
    { key: MODEL_NAME, value: input.modelName },
    { key: ML_STEP, value: 'batch-score' },
  ]);
  showDetails(progress, `checking ${input.inputUri}`);

  const { chunks, ...plan } = await planBatchScore({
    modelName: input.modelName,
    ...(input.version !== undefined ? { version: input.version } : {}),
    inputUri: input.inputUri,
    outputUri: input.outputUri,
    chunkRows: input.chunkRows ?? DEFAULT_CHUNK_ROWS,
    ...(input.idColumn !== undefined ? { idColumn: input.idColumn } : {}),
  });
  upsertSearchAttributes([{ key: MODEL_VERSION, value: plan.version }]);
  Object.assign(progress, {
    version: plan.version,
    rowsTotal: plan.rows,
    chunksTotal: chunks.length,
    phase: 'scoring',
  });
  showDetails(progress);

  const maxErrorRate = input.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE;
  let parts: ChunkResult[];
  let joined: JoinBatchResult;
  let loggedRows: number;
  try {
    parts = await scoreChunks(plan, chunks, progress, maxErrorRate);
    // The join reads the parts, the log their samples: independent, so both at once.
    progress.phase = 'joining';
    showDetails(progress);
    [joined, { loggedRows }] = await Promise.all([joinBatchParts({ plan, parts }), logBatchSample({ plan, parts })]);
  } catch (error) {
    // A failed or cancelled run leaves no parts behind (a million rows are hundreds of MB).
    progress.phase = 'failed';
    await CancellationScope.nonCancellable(() => removeBatchParts({ workDir: plan.workDir }));
    throw error;
  }
  await removeBatchParts({ workDir: plan.workDir });

  progress.phase = 'done';
  const scoredRows = sum(parts, 'scoredRows');
  const result: BatchScoreResult = {
    modelName: input.modelName,
    version: plan.version,
    rows: plan.rows,
    scoredRows,
    rejectedRows: progress.rejectedRows,
    outputUri: joined.outputPath ?? plan.outputPath,
    outputSha256: joined.outputSha256 ?? '',
    ...(joined.rejectsPath !== undefined
      ? { rejectsUri: joined.rejectsPath, rejectsSha256: joined.rejectsSha256 }
      : {}),
    loggedRows,
    logSampled: loggedRows < scoredRows,
    seconds: (Date.now() - started) / 1000,
  };
  showDetails(progress, `scored ${scoredRows} rows into ${result.outputUri}`);
  return result;
}

/**
 * Runs the chunks `CHUNKS_AT_ONCE` at a time and keeps each result as it comes. Fails the run as soon
 * as the rows rejected so far exceed `maxErrorRate` of the whole file (they can only grow), after
 * writing the rejects found so far.
 */
async function scoreChunks(
  plan: BatchFiles,
  chunks: BatchChunk[],
  progress: BatchScoreProgress,
  maxErrorRate: number,
): Promise<ChunkResult[]> {
  const results: ChunkResult[] = [];
  const scoringStarted = Date.now();
  let next = 0;
  let failure: ApplicationFailure | undefined;
  const lane = async () => {
    while (next < chunks.length && failure === undefined) {
      const chunk = chunks[next++] as BatchChunk;
      const result = await scoreBatchChunk({ plan, chunk });
      results.push(result);
      progress.chunksDone++;
      progress.rowsDone += result.rows;
      progress.rejectedRows += result.rejectedRows;
      const seconds = (Date.now() - scoringStarted) / 1000;
      progress.rowsPerSecond = seconds > 0 ? Math.round(progress.rowsDone / seconds) : 0;
      showDetails(progress);
      if (progress.rejectedRows > maxErrorRate * plan.rows) failure ??= tooManyRejects(plan, results, maxErrorRate);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHUNKS_AT_ONCE, chunks.length) }, lane));
  if (failure !== undefined) {
    progress.phase = 'failed';
    const { rejectsPath } = await joinBatchParts({ plan, parts: results, rejectsOnly: true });
    showDetails(progress, failure.message);
    throw ApplicationFailure.create({
      type: TOO_MANY_REJECTS,
      nonRetryable: true,
      message: `${failure.message}${rejectsPath !== undefined ? `; rejected rows in ${rejectsPath}` : ''}`,
      details: [{ ...(failure.details?.[0] as object), rejectsUri: rejectsPath ?? null }],
    });
  }
  return results.sort((a, b) => a.index - b.index);
}

function tooManyRejects(plan: BatchFiles, results: ChunkResult[], maxErrorRate: number): ApplicationFailure {
  const rejected = sum(results, 'rejectedRows');
  const reasons = commonestReasons(results);
  const listed = reasons.map(({ reason, rows }) => `${reason} (${rows} rows)`).join(', ');
  const share = (100 * rejected) / plan.rows;
  return ApplicationFailure.create({
    type: TOO_MANY_REJECTS,
    nonRetryable: true,
    message:
      `${rejected} of ${plan.rows} rows (${share.toFixed(2)}%) failed validation, more than maxErrorRate ` +
      `${maxErrorRate * 100}% allows; commonest reasons: ${listed}`,
    details: [{ rows: plan.rows, rejectedRows: rejected, maxErrorRate, reasons }],
  });
}

function commonestReasons(results: ChunkResult[]): RejectReasonCount[] {
  const counts = new Map<string, number>();
  for (const result of results) {
    for (const { reason, rows } of result.reasons) counts.set(reason, (counts.get(reason) ?? 0) + rows);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 5)
    .map(([reason, rows]) => ({ reason, rows }));
}

function sum(results: ChunkResult[], field: 'scoredRows' | 'rejectedRows'): number {
  return results.reduce((total, result) => total + result[field], 0);
}

/** The run's current details in the Web UI: rows done of all, rejects, speed. */
function showDetails(progress: BatchScoreProgress, note?: string): void {
  const version = progress.version === null ? '' : ` v${progress.version}`;
  const total = progress.rowsTotal === null ? '?' : String(progress.rowsTotal);
  const lines = [
    `**${progress.modelName}**${version} batch scoring: **${progress.phase}**`,
    `rows ${progress.rowsDone} / ${total}, rejected ${progress.rejectedRows}, ${progress.rowsPerSecond} rows/s`,
    `chunks ${progress.chunksDone} / ${progress.chunksTotal ?? '?'}`,
  ];
  if (note !== undefined) lines.push(note);
  setCurrentDetails(lines.join('\n\n'));
}
