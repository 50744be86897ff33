import { resolve } from 'node:path';
import { loadConfig } from '../../shared/config';
import type { MlLifecycleInput } from '../../workflows/lifecycle-types';
import { followLifecycle } from '../follow-lifecycle';
import { connectClient } from '../temporal-connection';
import { uiBaseUrl, workflowRunUrl } from '../ui-links';

export interface TrainCommandOptions {
  data: string;
  model: string;
  target?: string;
  positiveLabel?: string;
  idColumn?: string;
  workflowId?: string;
  seed?: string;
}

/** `mlcycle train`: starts `mlLifecycle` and prints progress until it ends. */
export async function runTrainCommand(options: TrainCommandOptions): Promise<void> {
  const config = loadConfig();
  const client = await connectClient(config);
  const input: MlLifecycleInput = {
    modelName: options.model,
    dataUri: resolve(options.data),
    ...(options.target ? { target: options.target } : {}),
    ...(options.positiveLabel ? { positiveLabel: options.positiveLabel } : {}),
    ...(options.idColumn ? { idColumn: options.idColumn } : {}),
    ...(options.seed ? { seed: Number(options.seed) } : {}),
  };
  const workflowId = options.workflowId ?? `${options.model}-train-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const handle = await client.workflow.start('mlLifecycle', {
    taskQueue: config.taskQueue,
    workflowId,
    args: [input],
    staticSummary: `train ${options.model} on ${input.dataUri}`,
  });
  console.log(
    `started mlLifecycle ${workflowId}: ${workflowRunUrl(uiBaseUrl(process.env), config.namespace, workflowId, handle.firstExecutionRunId)}`,
  );
  try {
    const result = await followLifecycle(handle, (line) => console.log(line));
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await client.connection.close();
  }
}
