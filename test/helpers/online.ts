import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelOf, type TrainedModelFile } from '../../activities/model-files';
import type { LogisticModel } from '../../models/types';
import type { OnlineTrainingInput, OnlineTrainingProgress } from '../../contracts';
import { writeTelcoSample } from '../../data/sample-generator';
import { encodeRecords } from '../../models/features';
import { predictProba } from '../../models/logistic';
import type { RawRecord } from '../../models/types';
import type { ModelRegistry } from '../../registry/model-registry';
import type { mlLifecycle, onlineTraining } from '../../workflows';
import { readVerifiedJson } from '../../activities/run-files';
import { produceJson } from './kafka';
import type { LabelledStream } from './labelled-stream';
import { TEST_OUTPUT, tempHome } from './paths';
import type { TestStack } from './stack';
import { waitFor } from './wait-for';

// Online training in tests: a batch model trained and deployed by mlLifecycle on Telco-shaped rows,
// labelled records on a Kafka topic as a producer upstream would send them, and the run's progress.

/** Trains and deploys `modelName` on 5,000 synthetic Telco customers (seed 11) through mlLifecycle. */
export async function trainServingModel(stack: TestStack, modelName: string): Promise<void> {
  const dataUri = join(tempHome('online-data'), 'telco.csv');
  await writeTelcoSample(dataUri, { rows: 5_000, seed: 11 });
  const trained = await stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
    taskQueue: stack.taskQueue,
    workflowId: `online-train-${modelName}`,
    args: [{ modelName, dataUri }],
  });
  if (!trained.deployed) throw new Error(`${modelName} was not deployed: ${trained.reason}`);
}

/** Labelled records as JSON messages: the features plus `Churn` ("Yes"/"No"); `flip` inverts the labels. */
export async function produceLabelled(
  brokers: string[],
  topic: string,
  stream: Pick<LabelledStream, 'records' | 'labels'>,
  { flip = false }: { flip?: boolean } = {},
): Promise<void> {
  const messages = stream.records.map((record, i) => {
    const label = flip ? 1 - (stream.labels[i] as number) : stream.labels[i];
    return { key: `r${i}`, value: { ...record, Churn: label === 1 ? 'Yes' : 'No' } };
  });
  await produceJson(brokers, topic, messages, { batchSize: 500 });
}

export function startOnline(stack: TestStack, workflowId: string, input: OnlineTrainingInput) {
  return stack.env.client.workflow.start<typeof onlineTraining>('onlineTraining', {
    taskQueue: stack.taskQueue,
    workflowId,
    args: [input],
  });
}

type Handle = Awaited<ReturnType<typeof startOnline>>;

export async function progressOf(handle: Handle): Promise<OnlineTrainingProgress> {
  return handle.query<OnlineTrainingProgress>('progress');
}

/** Waits until `check` holds on the run's progress; returns that progress. */
export async function waitForProgress(
  handle: Handle,
  check: (p: OnlineTrainingProgress) => boolean,
  what: string,
  timeoutMs = 240_000,
): Promise<OnlineTrainingProgress> {
  let last: OnlineTrainingProgress | undefined;
  await waitFor(
    async () => {
      last = await progressOf(handle).catch(() => undefined);
      return last !== undefined && check(last);
    },
    { timeoutMs, intervalMs: 250, what: () => `${what}; progress: ${JSON.stringify(last)}` },
  );
  return last as OnlineTrainingProgress;
}

/** The probabilities of a registered version's own coefficients (its trained.json). */
export async function versionProbabilities(
  registry: ModelRegistry,
  modelName: string,
  version: number,
  records: RawRecord[],
): Promise<Float64Array> {
  const record = registry.getVersion(modelName, version);
  if (!record?.modelPath || !record.modelSha256) throw new Error(`${modelName} v${version} has no model file`);
  const file = await readVerifiedJson<TrainedModelFile>(record.modelPath, record.modelSha256);
  return predictProba(logisticModelOf(file), encodeRecords(file.spec, records));
}

/** Writes a finished run's history to test-output/ (test/fixtures/ holds copies the replay test replays). */
export async function saveHistory(
  handle: { fetchHistory(): Promise<Parameters<typeof historyToJSON>[0]> },
  file: string,
): Promise<void> {
  mkdirSync(TEST_OUTPUT, { recursive: true });
  writeFileSync(join(TEST_OUTPUT, file), historyToJSON(await handle.fetchHistory()));
}

/** The coefficients of a logistic model file (these checks train logistic models only). */
function logisticModelOf(file: TrainedModelFile): LogisticModel {
  const chosen = modelOf(file);
  if (chosen.algorithm !== 'logistic') throw new Error(`expected a logistic model, got ${chosen.algorithm}`);
  return chosen.model;
}
