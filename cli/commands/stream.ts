import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { type StreamScoreInput, StreamScoreInputSchema, type StreamScoreProgress } from '../../contracts';
import { loadConfig, type MlcycleConfig } from '../../core/config';
import type { streamScore } from '../../workflows';
import { checkModelName, checkWorkflowInput } from '../check-input';
import { commandConsole } from '../console';
import { localBroker } from '../kafka/local-broker';
import { connectClient } from '../temporal-connection';
import { workflowRunUrl } from '../ui-links';
import { checkStreamTopics } from '../kafka/stream-topics';

export interface StreamCommandOptions {
  model: string;
  in: string;
  out?: string;
  brokers?: string;
  dlq?: string;
  group?: string;
  labels?: string;
  createTopics?: boolean;
  stop?: boolean;
  status?: boolean;
}

const FLAGS = {
  modelName: '--model',
  brokers: '--brokers',
  inputTopic: '--in',
  outputTopic: '--out',
  deadLetterTopic: '--dlq',
  groupId: '--group',
  labelsTopic: '--labels',
};

/** One stream per model and input topic: --stop and --status find it by the same two flags. */
export function streamWorkflowId(model: string, inputTopic: string): string {
  return `stream-score-${model}-${inputTopic}`;
}

/** `mlcycle stream`: starts `streamScore` (and returns: it runs until stopped), or stops it, or shows its progress. */
export async function runStreamCommand(options: StreamCommandOptions): Promise<void> {
  if (options.stop && options.status) throw new Error('choose one of --stop, --status');
  const config = loadConfig();
  const workflowId = streamWorkflowId(checkModelName(options.model), options.in);
  const client = await connectClient(config);
  try {
    if (options.stop) await stop(client, workflowId);
    else if (options.status) await status(client, workflowId);
    // Without --brokers: MLCYCLE_KAFKA_BROKERS, else the local broker of scripts/kafka.sh (MLCYCLE_KAFKA_HOST/PORT).
    else {
      const input = streamInput(options, process.env.MLCYCLE_KAFKA_BROKERS ?? localBroker(config.home).address);
      const created = await checkStreamTopics(input, options.createTopics === true);
      if (created.length > 0)
        commandConsole().info(`created topic${created.length > 1 ? 's' : ''} ${created.join(', ')}`);
      await start(client, config, workflowId, input);
    }
  } finally {
    await client.connection.close();
  }
}

export function streamInput(options: StreamCommandOptions, defaultBrokers: string): StreamScoreInput {
  if (!options.out) throw new Error('--out TOPIC is required to start a stream');
  const brokers = (options.brokers ?? defaultBrokers)
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  return checkWorkflowInput<StreamScoreInput>(
    'streamScore',
    StreamScoreInputSchema,
    {
      modelName: options.model,
      brokers,
      inputTopic: options.in,
      outputTopic: options.out,
      ...(options.dlq ? { deadLetterTopic: options.dlq } : {}),
      ...(options.group ? { groupId: options.group } : {}),
      ...(options.labels ? { labelsTopic: options.labels } : {}),
    },
    FLAGS,
  );
}

async function start(
  client: Client,
  config: MlcycleConfig,
  workflowId: string,
  input: StreamScoreInput,
): Promise<void> {
  const out = commandConsole();
  try {
    const handle = await client.workflow.start<typeof streamScore>('streamScore', {
      workflowId,
      taskQueue: config.taskQueue,
      args: [input],
    });
    const url = workflowRunUrl(config.uiBaseUrl, config.namespace, workflowId, handle.firstExecutionRunId);
    out.info(
      `streamScore ${workflowId}: ${input.inputTopic} → ${input.outputTopic} on ${input.brokers.join(',')}: ${url}`,
    );
    out.info(`progress: npx mlcycle stream --model ${input.modelName} --in ${input.inputTopic} --status`);
    out.info(`stop it:  npx mlcycle stream --model ${input.modelName} --in ${input.inputTopic} --stop`);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const { runId } = await client.workflow.getHandle(workflowId).describe();
    throw new Error(
      `${workflowId} is already streaming (${workflowRunUrl(config.uiBaseUrl, config.namespace, workflowId, runId)}); stop it first with --stop`,
    );
  }
}

async function status(client: Client, workflowId: string): Promise<void> {
  const progress = await running(client, workflowId).query<StreamScoreProgress>('progress');
  for (const line of progressLines(progress)) commandConsole().info(line);
}

async function stop(client: Client, workflowId: string): Promise<void> {
  const handle = running(client, workflowId);
  await handle.cancel();
  // The consumer commits what it produced and closes before the run returns its counts.
  const result = await handle.result();
  const offsets = Object.entries(result.lastOffsets)
    .map(([partition, next]) => `${partition}@${next}`)
    .join(' ');
  commandConsole().info(
    `${workflowId} stopped: ${result.records} records scored, ${result.rejected} rejected; committed ${offsets || 'nothing'}`,
  );
}

function running(client: Client, workflowId: string) {
  const handle = client.workflow.getHandle<typeof streamScore>(workflowId);
  return {
    cancel: () => handle.cancel().catch((err: unknown) => rethrowNotFound(err, workflowId)),
    result: () => handle.result(),
    query: <T>(name: string) => handle.query<T>(name).catch((err: unknown) => rethrowNotFound(err, workflowId)),
  };
}

function rethrowNotFound(err: unknown, workflowId: string): never {
  if (err instanceof WorkflowNotFoundError) throw new Error(`there is no stream ${workflowId}`);
  throw err;
}

export function progressLines(p: StreamScoreProgress): string[] {
  return [
    `${p.modelName} ${p.version === null ? '(no version yet)' : `v${p.version}`}: ${p.records} records scored, ${Math.round(p.recordsPerSecond)}/s`,
    `lag: ${p.lag ?? 'unknown'}; rejected: ${p.rejected}; labels: ${p.labels}`,
    `committed: ${
      Object.entries(p.lastOffsets)
        .map(([partition, next]) => `${partition}@${next}`)
        .join(' ') || 'nothing yet'
    }; updated ${p.updatedAt ?? 'never'}`,
  ];
}
