import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Type } from 'typebox';
import {
  KafkaSourceSchema,
  type OnlineTrainingInput,
  OnlineTrainingInputSchema,
  type OnlineTrainingProgress,
  type OnlineTrainingResult,
  type OnlineWindowMetrics,
} from '../../contracts';
import { loadConfig, type MlcycleConfig } from '../../core/config';
import type { onlineTraining } from '../../workflows';
import { checkModelName, checkWorkflowInput } from '../check-input';
import { commandConsole } from '../console';
import { describeFailure } from '../follow-run';
import { localBroker } from '../kafka/local-broker';
import { waitForShutdownSignal } from '../shutdown';
import { connectClient } from '../temporal-connection';
import { workflowRunUrl } from '../ui-links';

export interface LearnCommandOptions {
  model: string;
  from?: string;
  topic?: string;
  brokers?: string;
  publishEvery?: string;
  publishEveryMinutes?: string;
  batchSize?: string;
  learningRate?: string;
  l2?: string;
  deploy?: boolean;
  detach?: boolean;
  pause?: boolean;
  resume?: boolean;
  stop?: boolean;
  status?: boolean;
}

const FLAGS = {
  modelName: '--model',
  source: '--topic/--brokers',
  batchSize: '--batch-size',
  publishEvery: '--publish-every',
  publishEveryMinutes: '--publish-every-minutes',
  learningRate: '--learning-rate',
  l2: '--l2',
};

const POLL_MS = 2_000;

/** One online training per model: --pause, --resume, --stop and --status find it by --model. */
export function learnWorkflowId(model: string): string {
  return `online-training-${model}`;
}

/** `mlcycle learn`: starts `onlineTraining` and follows its progressive metrics, or pauses, resumes, stops it. */
export async function runLearnCommand(options: LearnCommandOptions): Promise<void> {
  const actions = (['pause', 'resume', 'stop', 'status'] as const).filter((action) => options[action]);
  if (actions.length > 1) throw new Error(`choose one of ${actions.map((a) => `--${a}`).join(', ')}`);
  const config = loadConfig();
  const workflowId = learnWorkflowId(checkModelName(options.model));
  const client = await connectClient(config);
  const out = commandConsole();
  try {
    const handle = client.workflow.getHandle<typeof onlineTraining>(workflowId);
    const notFound = (err: unknown): never => {
      if (err instanceof WorkflowNotFoundError) throw new Error(`there is no online training ${workflowId}`);
      throw err;
    };
    switch (actions[0]) {
      case 'status': {
        // A run that ended still answers the query with its last progress; say how it ended first.
        const { status } = await handle.describe().catch(notFound);
        if (status.name === 'FAILED') {
          const failure = await handle.result().then(
            () => '',
            (err: unknown) => describeFailure(err),
          );
          out.error(`${workflowId} ${failure}`);
          process.exitCode = 1;
        } else if (status.name !== 'RUNNING') {
          out.info(`${workflowId} is ${status.name.toLowerCase()}`);
        }
        for (const line of progressLines(await handle.query<OnlineTrainingProgress>('progress').catch(notFound))) {
          out.info(line);
        }
        return;
      }
      case 'pause':
        await handle.signal('pause', 'npx mlcycle learn --pause').catch(notFound);
        out.info(`${workflowId}: pause asked; it pauses after the records it is learning now`);
        return;
      case 'resume':
        await handle.signal('resume').catch(notFound);
        out.info(`${workflowId}: resumed`);
        return;
      case 'stop': {
        await handle.signal('stop').catch(notFound);
        const result = await handle.result();
        out.info(stoppedLine(workflowId, result));
        return;
      }
      default: {
        const input = learnInput(options, process.env.MLCYCLE_KAFKA_BROKERS ?? localBroker(config.home).address);
        await start(client, config, workflowId, input);
        if (!options.detach) await follow(client, workflowId);
      }
    }
  } finally {
    await client.connection.close();
  }
}

export function learnInput(options: LearnCommandOptions, defaultBrokers: string): OnlineTrainingInput {
  const from = options.from ?? (options.topic ? 'kafka' : 'feedback');
  if (from !== 'feedback' && from !== 'kafka') throw new Error(`--from must be feedback or kafka, got ${from}`);
  if (from === 'kafka' && !options.topic) throw new Error('--topic NAME is required to learn from Kafka');
  if (from === 'feedback' && options.topic) throw new Error('--topic reads Kafka: leave out --from feedback');
  const brokers = (options.brokers ?? defaultBrokers)
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const optional = {
    batchSize: number(options.batchSize),
    publishEvery: number(options.publishEvery),
    publishEveryMinutes: number(options.publishEveryMinutes),
    learningRate: number(options.learningRate),
    l2: number(options.l2),
    deploy: options.deploy === false ? false : undefined,
  };
  // Checked against the chosen source alone: the union's own "must be string" would only add noise.
  const schema = Type.Object(
    {
      ...OnlineTrainingInputSchema.properties,
      source: from === 'feedback' ? Type.Literal('feedback') : KafkaSourceSchema,
    },
    { additionalProperties: false },
  );
  return checkWorkflowInput<OnlineTrainingInput>(
    'onlineTraining',
    schema,
    {
      modelName: options.model,
      source: from === 'feedback' ? 'feedback' : { kafka: { brokers, topic: options.topic ?? '' } },
      ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    },
    FLAGS,
  );
}

async function start(
  client: Client,
  config: MlcycleConfig,
  workflowId: string,
  input: OnlineTrainingInput,
): Promise<void> {
  const out = commandConsole();
  try {
    const handle = await client.workflow.start<typeof onlineTraining>('onlineTraining', {
      workflowId,
      taskQueue: config.taskQueue,
      args: [input],
    });
    const source = input.source === 'feedback' ? 'feedback' : `topic ${input.source.kafka.topic}`;
    const url = workflowRunUrl(config.uiBaseUrl, config.namespace, workflowId, handle.firstExecutionRunId);
    out.info(`onlineTraining ${workflowId}: ${input.modelName} learns from ${source}: ${url}`);
    out.info(`progress: npx mlcycle learn --model ${input.modelName} --status`);
    out.info(`pause, resume, stop: npx mlcycle learn --model ${input.modelName} --pause | --resume | --stop`);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    throw new Error(`${workflowId} is already learning; see it with --status, stop it with --stop`);
  }
}

/** Prints a line each time the progress changes, until the run ends or Ctrl-C (which leaves it running). */
async function follow(client: Client, workflowId: string): Promise<void> {
  const handle = client.workflow.getHandle<typeof onlineTraining>(workflowId);
  const out = commandConsole();
  let interrupted = false;
  void waitForShutdownSignal().then(() => (interrupted = true));
  const ended = handle.result().then(
    (result) => stoppedLine(workflowId, result),
    (err: unknown) => `${workflowId} failed: ${err instanceof Error ? err.message : String(err)}`,
  );
  let last = '';
  let end: string | undefined;
  void ended.then((line) => (end = line));
  while (!interrupted && end === undefined) {
    const progress = await handle.query<OnlineTrainingProgress>('progress').catch(() => undefined);
    const line = progress ? (progressLines(progress)[1] ?? '') : '';
    if (progress && line !== last) out.info(`${progress.state}: ${line}`);
    last = line;
    await Promise.race([new Promise((resolve) => setTimeout(resolve, POLL_MS)), ended]);
  }
  if (end !== undefined) out.info(end);
  else out.info(`stopped following; ${workflowId} keeps learning (--status, --stop)`);
}

const f = (value: number | null) => (value === null ? 'n/a' : value.toFixed(4));
const metrics = (m: OnlineWindowMetrics) => `log loss ${f(m.logLoss)}, ROC AUC ${f(m.rocAuc)}, ECE ${f(m.ece)}`;

export function progressLines(p: OnlineTrainingProgress): string[] {
  const window = p.metrics;
  const lines = [
    `${p.modelName}: ${p.state}${p.paused ? ` — paused: ${p.pauseReason ?? ''}` : ''}; warm-started from v${p.parentVersion ?? '?'}`,
    `${p.recordsLearned} records learned, ${p.recordsSkipped} skipped; ` +
      (window && window.records > 0
        ? `last ${window.records}: online ${metrics(window.online)} | serving v${p.servingVersion ?? '?'} ${metrics(window.serving)}`
        : 'no progressive metrics yet'),
    `cursor: ${cursorText(p.cursor)}; updated ${p.updatedAt ?? 'never'}`,
  ];
  for (const v of p.published.slice(-5)) {
    lines.push(
      `published ${v.version === null ? '(failed)' : `v${v.version}`} (records ${v.fromRecord}–${v.toRecord}): ${v.deployed ? 'deployed' : 'not deployed'} — ${v.reason}`,
    );
  }
  return lines;
}

function cursorText(cursor: OnlineTrainingProgress['cursor']): string {
  if (cursor === null) return 'not started';
  if (cursor.kind === 'feedback')
    return `labels after ${new Date(cursor.labelledAfter).toISOString()} (#${cursor.seq})`;
  const offsets = Object.entries(cursor.offsets).map(([partition, next]) => `${partition}@${next}`);
  return offsets.join(' ') || 'start of the topic';
}

function stoppedLine(workflowId: string, result: OnlineTrainingResult): string {
  const deployed = result.published.filter((v) => v.deployed).map((v) => `v${v.version}`);
  return (
    `${workflowId} stopped: ${result.recordsLearned} records learned, ${result.published.length} versions published` +
    (deployed.length > 0 ? ` (deployed ${deployed.join(', ')})` : '')
  );
}
