import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { StreamScoreInput } from '../../contracts/stream';
import type { MlcycleConfig } from '../../core/config';
import type { streamScore } from '../../workflows';
import { streamWorkflowId } from '../commands/stream';
import { displayPath } from '../display-path';
import { ensureSampleData, SAMPLE_MODEL } from '../sample-model';
import { workflowRunUrl } from '../ui-links';
import { KAFKA_SCRIPT, localBroker, type LocalBroker } from './local-broker';
import { startSampleStream } from './sample-stream';
import { ensureTopics } from './topics';

/** The topics of the sample stream: requests in, scores out, and the records that could not be scored. */
export const DEV_TOPICS = {
  input: 'churn-requests',
  output: 'churn-scores',
  deadLetter: 'churn-requests.dlq',
} as const;
/** The id `mlcycle stream --model telco-churn --in churn-requests` uses too, so its --status and --stop find it. */
export const DEV_STREAM_WORKFLOW_ID = streamWorkflowId(SAMPLE_MODEL, DEV_TOPICS.input);
/** Gentle: a person can follow the scores as they come. */
const SAMPLE_RECORDS_PER_SECOND = 5;
/** Bound on the wait for the cancelled stream to commit and end before the broker stops. */
const CANCEL_WAIT_MS = 30_000;

export interface DevKafkaContext {
  config: MlcycleConfig;
  client: Client;
  uiBase: string;
  say: (line: string) => void;
  /** Registers what to undo at Ctrl-C; what is registered last is undone first. */
  onStop: (stop: () => Promise<void>) => void;
}

/**
 * `mlcycle dev --kafka`: the local broker (scripts/kafka.sh), the sample topics, a `streamScore` run of
 * the sample model, and a producer sending Telco-shaped rows to the input topic. At Ctrl-C the producer
 * stops, the run is cancelled (its consumer commits first), and the broker stops unless it ran before.
 */
export async function startDevKafka({ config, client, uiBase, say, onStop }: DevKafkaContext): Promise<void> {
  const broker = localBroker(config.home);
  await startBroker(broker, say, onStop);
  const brokers = [broker.address];

  const topics = [DEV_TOPICS.input, DEV_TOPICS.output, DEV_TOPICS.deadLetter];
  const created = await ensureTopics(brokers, topics);
  say(`topics ${topics.join(', ')}${created.length === 0 ? ' (already there)' : ''}`);

  const handle = await startStream(config, client, {
    modelName: SAMPLE_MODEL,
    brokers,
    inputTopic: DEV_TOPICS.input,
    outputTopic: DEV_TOPICS.output,
    deadLetterTopic: DEV_TOPICS.deadLetter,
  });
  onStop(() => cancelStream(handle, say));
  const runId = (await handle.describe()).runId;
  say(`streamScore ${handle.workflowId}: ${workflowRunUrl(uiBase, config.namespace, handle.workflowId, runId)}`);

  const csvPath = await ensureSampleData(config.home, say);
  const sample = await startSampleStream({
    brokers,
    topic: DEV_TOPICS.input,
    csvPath,
    ratePerSecond: SAMPLE_RECORDS_PER_SECOND,
    onTrouble: say,
  });
  onStop(() => sample.stop());
  say(`sample stream: ${SAMPLE_RECORDS_PER_SECOND} rows/s from ${displayPath(csvPath)} to ${DEV_TOPICS.input}`);
  say(`progress: npx mlcycle stream --model ${SAMPLE_MODEL} --in ${DEV_TOPICS.input} --status`);
  say(
    `  or: temporal workflow query --address ${config.dialAddress} --namespace ${config.namespace}` +
      ` --workflow-id ${handle.workflowId} --type progress`,
  );
  say(`scores: ${consumeCommand(broker, DEV_TOPICS.output)}`);
  say(`dead letters: ${consumeCommand(broker, DEV_TOPICS.deadLetter)}`);
}

async function startBroker(
  broker: LocalBroker,
  say: (line: string) => void,
  onStop: (stop: () => Promise<void>) => void,
): Promise<void> {
  if (await broker.running()) {
    say(`Kafka broker already running on ${broker.address}: using it, and leaving it running at exit`);
    return;
  }
  say('starting Kafka broker (scripts/kafka.sh; its first start resolves the jars with Maven)');
  // Registered before the start, so a broker that started but never answered is stopped too.
  onStop(async () => {
    if (!(await broker.running())) return;
    await broker.stop();
    say('Kafka broker stopped');
  });
  await broker.start();
  say(`Kafka broker ${broker.address} (KRaft, one node), data and logs in ${displayPath(broker.dataDir)}/`);
}

async function startStream(
  config: MlcycleConfig,
  client: Client,
  input: StreamScoreInput,
): Promise<WorkflowHandle<typeof streamScore>> {
  try {
    return await client.workflow.start<typeof streamScore>('streamScore', {
      taskQueue: config.taskQueue,
      workflowId: DEV_STREAM_WORKFLOW_ID,
      args: [input],
      staticSummary: `score ${input.inputTopic} into ${input.outputTopic} with ${input.modelName} (mlcycle dev --kafka)`,
    });
  } catch (err) {
    // A run left by a `dev` that did not stop cleanly: it resumes from its committed offsets.
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return client.workflow.getHandle<typeof streamScore>(DEV_STREAM_WORKFLOW_ID);
    }
    throw err;
  }
}

/** Cancels the run and waits (bounded) until it ended, so its consumer commits before the broker goes. */
async function cancelStream(handle: WorkflowHandle<typeof streamScore>, say: (line: string) => void): Promise<void> {
  await handle.cancel();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), CANCEL_WAIT_MS)));
  const result = await Promise.race([handle.result(), timeout]).finally(() => clearTimeout(timer));
  say(
    result
      ? `streamScore ${handle.workflowId} stopped: ${result.records} records scored, ${result.rejected} rejected`
      : `streamScore ${handle.workflowId} did not stop within ${CANCEL_WAIT_MS / 1000} s of its cancel`,
  );
}

/** Kafka's console consumer through the broker script, with the variables that locate this broker. */
function consumeCommand(broker: LocalBroker, topic: string): string {
  const [host, port] = broker.address.split(':');
  const env = [
    host === '127.0.0.1' ? '' : `MLCYCLE_KAFKA_HOST=${host} `,
    port === '9092' ? '' : `MLCYCLE_KAFKA_PORT=${port} `,
  ].join('');
  return `${env}${displayPath(KAFKA_SCRIPT)} consume ${topic} --property print.key=true`;
}
