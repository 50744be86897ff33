import { extname } from 'node:path';
import { type BatchScoreInput, BatchScoreInputSchema } from '../../contracts/batch';
import { loadConfig } from '../../core/config';
import { batchScoreScheduleId } from '../../schedules/schedule-ids';
import { upsertSchedule } from '../../schedules/upsert-schedule';
import { describeBatchResult } from '../batch-result';
import { checkModelName, checkWorkflowInput, localDataFile, localOutputFile } from '../check-input';
import { commandConsole } from '../console';
import { followBatchScore, progressDisplay } from '../follow-batch';
import { connectClient } from '../temporal-connection';
import { workflowRunUrl } from '../ui-links';
import { runScheduleCommand, scheduleOperation, type ScheduleFlags } from './schedule-flags';

export interface ScoreCommandOptions extends ScheduleFlags {
  model: string;
  data?: string;
  out?: string;
  version?: string;
  chunkRows?: string;
  maxErrorRate?: string;
  idColumn?: string;
  /** Given: create or update the Schedule batch-score-NAME instead of scoring once now. */
  every?: string;
}

/** The flag of each `batchScore` input field, for messages. */
const SCORE_FLAGS: Record<string, string> = {
  modelName: '--model',
  version: '--version',
  inputUri: '--data',
  outputUri: '--out',
  chunkRows: '--chunk-rows',
  maxErrorRate: '--max-error-rate',
  idColumn: '--id-column',
};

/**
 * `mlcycle score`: scores a CSV or Parquet file with `batchScore` and shows its progress until it ends;
 * with --every, the Schedule batch-score-NAME that does it on an interval (and its operation flags).
 */
export async function runScoreCommand(options: ScoreCommandOptions): Promise<void> {
  const operation = scheduleOperation(options);
  if (operation && options.every !== undefined) {
    throw new Error(`--every creates or updates the schedule; give it without --${operation}`);
  }
  if (operation || options.every !== undefined) return runScoreSchedule(options);
  await scoreOnce(batchScoreInput(options));
}

async function scoreOnce(input: BatchScoreInput): Promise<void> {
  const config = loadConfig();
  const out = commandConsole();
  const client = await connectClient(config);
  const workflowId = `${input.modelName}-score-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    const handle = await client.workflow.start('batchScore', {
      taskQueue: config.taskQueue,
      workflowId,
      args: [input],
      staticSummary: `score ${input.inputUri} with ${input.modelName}${input.version ? ` v${input.version}` : ''}`,
    });
    const link = workflowRunUrl(config.uiBaseUrl, config.namespace, workflowId, handle.firstExecutionRunId);
    out.info(`started batchScore ${workflowId}: ${link}`);
    // The run is Temporal's, not this process's: Ctrl-C stops watching it, and says how to stop the run itself.
    process.once('SIGINT', () => {
      process.stdout.write('\n');
      out.info(
        `stopped following; ${workflowId} goes on (${link}); stop it with: temporal workflow cancel --workflow-id ${workflowId}`,
      );
      process.exit(130);
    });
    const result = await followBatchScore(
      handle,
      progressDisplay(process.stdout, (line) => out.info(line)),
    ).catch((err: unknown) => {
      throw new Error(`batchScore ${workflowId} ${err instanceof Error ? err.message : String(err)}`);
    });
    for (const line of describeBatchResult(result)) out.info(line);
  } finally {
    await client.connection.close();
  }
}

function runScoreSchedule(options: ScoreCommandOptions): Promise<void> {
  const scheduleId = batchScoreScheduleId(checkModelName(options.model));
  return runScheduleCommand(scheduleId, options, async (client, config) => {
    const input = batchScoreInput(options);
    const every = options.every ?? '1d';
    const outcome = await upsertSchedule(client, {
      scheduleId,
      every,
      workflowType: 'batchScore',
      args: [input],
      taskQueue: config.taskQueue,
      note: `score ${input.inputUri} into ${input.outputUri} with ${input.modelName} every ${every}`,
    });
    const version = input.version ? `v${input.version}` : 'the version serving at each run';
    return (
      `${scheduleId} ${outcome}: batchScore of ${input.inputUri} into ${input.outputUri} with ${version} every ${every} ` +
      '(overlap SKIP, pause on failure; each run replaces the output file atomically)'
    );
  });
}

/** The workflow input from the flags, paths made absolute, checked against the workflow's schema before anything starts. */
export function batchScoreInput(options: ScoreCommandOptions, cwd: string = process.cwd()): BatchScoreInput {
  if (!options.data) throw new Error('--data is required: the CSV or Parquet file to score');
  if (!options.out) throw new Error('--out is required: the CSV or Parquet file to write the scores to');
  const inputUri = tableFile(localDataFile(options.data, '--data', cwd), '--data');
  const outputUri = tableFile(localOutputFile(options.out, '--out', cwd), '--out');
  if (outputUri === inputUri) throw new Error(`--out ${outputUri} is the input file; write the scores to another file`);
  const version = wholeNumber(options.version, '--version');
  const chunkRows = wholeNumber(options.chunkRows, '--chunk-rows');
  const maxErrorRate = rate(options.maxErrorRate, '--max-error-rate');
  const input: BatchScoreInput = {
    modelName: checkModelName(options.model),
    inputUri,
    outputUri,
    ...(version !== undefined ? { version } : {}),
    ...(chunkRows !== undefined ? { chunkRows } : {}),
    ...(maxErrorRate !== undefined ? { maxErrorRate } : {}),
    ...(options.idColumn !== undefined ? { idColumn: options.idColumn } : {}),
  };
  return checkWorkflowInput('batchScore', BatchScoreInputSchema, input, SCORE_FLAGS);
}

/** The format is read from the extension, so a file without one of the two would fail the run later. */
function tableFile(path: string, flag: string): string {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv' || extension === '.parquet' || extension === '.pq') return path;
  throw new Error(`${flag} ${path}: name a .csv or .parquet file (the format is read from the extension)`);
}

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < 1) {
    throw new Error(`${flag} must be a whole number ≥ 1, got "${value}"`);
  }
  return number;
}

function rate(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !(number >= 0 && number <= 1)) {
    throw new Error(`${flag} must be a share from 0 to 1 (0.01 is 1 %), got "${value}"`);
  }
  return number;
}
