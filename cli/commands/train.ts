import { loadConfig } from '../../core/config';
import { type MlLifecycleInput, MlLifecycleInputSchema } from '../../contracts';
import { checkModelName, checkWorkflowInput, localDataFile } from '../check-input';
import { commandConsole } from '../console';
import { followLifecycle } from '../follow-lifecycle';
import { connectClient } from '../temporal-connection';
import { workflowRunUrl } from '../ui-links';

export interface TrainCommandOptions {
  data: string;
  model: string;
  target?: string;
  positiveLabel?: string;
  idColumn?: string;
  workflowId?: string;
  seed?: string;
  /** False with --no-deploy: register the version without rolling it out. */
  deploy: boolean;
  minRocAuc?: string;
  minRowsPerClass?: string;
  algorithm?: string;
}

/** The flag of each `mlLifecycle` input field, for messages. */
export const LIFECYCLE_FLAGS: Record<string, string> = {
  modelName: '--model',
  dataUri: '--data',
  target: '--target',
  positiveLabel: '--positive-label',
  idColumn: '--id-column',
  seed: '--seed',
  algorithm: '--algorithm',
  minRocAuc: '--min-roc-auc',
  minRowsPerClass: '--min-rows-per-class',
  deploy: '--no-deploy',
};

/** `mlcycle train`: starts `mlLifecycle` and prints progress until it ends. */
export async function runTrainCommand(options: TrainCommandOptions): Promise<void> {
  const config = loadConfig();
  const input = lifecycleInput(options);
  // Progress is the log (stderr: JSON lines when piped); the result alone is stdout, so
  // `mlcycle train … | jq .version` reads it whether or not a terminal is attached.
  const out = commandConsole({ stream: 'stderr' });
  const client = await connectClient(config);
  const workflowId = options.workflowId ?? `${options.model}-train-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    const handle = await client.workflow.start('mlLifecycle', {
      taskQueue: config.taskQueue,
      workflowId,
      args: [input],
      staticSummary: `train ${options.model} on ${input.dataUri}`,
    });
    out.info(
      `started mlLifecycle ${workflowId}: ${workflowRunUrl(config.uiBaseUrl, config.namespace, workflowId, handle.firstExecutionRunId)}`,
    );
    const result = await followLifecycle(handle, (line) => out.info(line));
    // Warnings (target-leak suspects, rows shared by train and test) stand out above the result.
    for (const warning of result.warnings ?? []) out.warn(`warning: ${warning}`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await client.connection.close();
  }
}

/** The workflow input from the flags, checked against the workflow's schema before anything starts. */
export function lifecycleInput(options: TrainCommandOptions): MlLifecycleInput {
  const algorithm = options.algorithm;
  if (algorithm !== undefined && algorithm !== 'logistic' && algorithm !== 'gbdt' && algorithm !== 'auto') {
    throw new Error(`--algorithm must be "logistic", "gbdt" or "auto", got "${algorithm}"`);
  }
  const minRocAuc = options.minRocAuc === undefined ? undefined : Number(options.minRocAuc);
  if (minRocAuc !== undefined && !(minRocAuc >= 0 && minRocAuc <= 1)) {
    throw new Error(`--min-roc-auc must be a number from 0 to 1, got "${options.minRocAuc}"`);
  }
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`--seed must be an integer, got "${options.seed}"`);
  const minRowsPerClass = options.minRowsPerClass === undefined ? undefined : Number(options.minRowsPerClass);
  if (minRowsPerClass !== undefined && Number.isNaN(minRowsPerClass)) {
    throw new Error(`--min-rows-per-class must be a whole number, got "${options.minRowsPerClass}"`);
  }
  const input: MlLifecycleInput = {
    modelName: checkModelName(options.model),
    dataUri: localDataFile(options.data),
    ...(options.target ? { target: options.target } : {}),
    ...(options.positiveLabel ? { positiveLabel: options.positiveLabel } : {}),
    ...(options.idColumn ? { idColumn: options.idColumn } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(minRocAuc !== undefined ? { minRocAuc } : {}),
    ...(minRowsPerClass !== undefined ? { minRowsPerClass } : {}),
    ...(algorithm ? { algorithm } : {}),
    ...(options.deploy ? {} : { deploy: false }),
  };
  return checkWorkflowInput('mlLifecycle', MlLifecycleInputSchema, input, LIFECYCLE_FLAGS);
}
