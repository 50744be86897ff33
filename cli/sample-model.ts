import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../data/sha256';
import { writeTelcoSample } from '../data/sample-generator';
import type { ModelRegistry } from '../registry/model-registry';
import type { MlcycleConfig } from '../core/config';
import type { mlLifecycle } from '../workflows';
import { followLifecycle } from './follow-lifecycle';
import { displayPath } from './display-path';
import { workflowRunUrl } from './ui-links';

// The sample model `mlcycle dev` trains and serves, so a bare clone shows the whole loop.
export const SAMPLE_MODEL = 'telco-churn';
const SAMPLE_ROWS = 7043;
const SAMPLE_SEED = 7;

export interface SampleContext {
  config: MlcycleConfig;
  client: Client;
  uiBase: string;
  registry: ModelRegistry;
  say: (line: string) => void;
}

/**
 * A ready-made /predict body (one Telco-shaped customer) for the curl line printed at startup. It names
 * the model, so it keeps working once a second model serves (without "model" the server would refuse).
 */
export async function writeSampleRequest(home: string): Promise<string> {
  const path = join(home, 'data', 'sample-request.json');
  await mkdir(join(home, 'data'), { recursive: true });
  await writeFile(path, `${JSON.stringify({ model: SAMPLE_MODEL, records: [SAMPLE_CUSTOMER] }, null, 2)}\n`);
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

/** The sample data set under the data home, generated the first time. */
export async function ensureSampleData(home: string, say: (line: string) => void): Promise<string> {
  const dataPath = join(home, 'data', 'telco-sample.csv');
  if (!existsSync(dataPath)) {
    await mkdir(join(home, 'data'), { recursive: true });
    await writeTelcoSample(dataPath, { rows: SAMPLE_ROWS, seed: SAMPLE_SEED });
    say(`generated sample data ${displayPath(dataPath)} (${SAMPLE_ROWS} Telco-shaped rows, seed ${SAMPLE_SEED})`);
  }
  return dataPath;
}

/** Trains the sample model unless a version of it was already trained on this very sample (same sha256). */
export async function trainSampleModel({ config, client, uiBase, registry, say }: SampleContext): Promise<void> {
  const dataPath = await ensureSampleData(config.home, say);
  const dataSha256 = await sha256File(dataPath);
  const earlier = registry.listVersions(SAMPLE_MODEL).find((v) => v.dataSha256 === dataSha256);
  if (earlier) {
    const serving = registry.getServing(SAMPLE_MODEL);
    say(
      `${SAMPLE_MODEL} v${earlier.version} was trained on this sample by ${earlier.workflowId}; ` +
        `v${serving?.version ?? '(none)'} serves now`,
    );
    say(`Web UI: ${workflowRunUrl(uiBase, config.namespace, earlier.workflowId, earlier.runId)}`);
    return;
  }
  const workflowId = `${SAMPLE_MODEL}-sample-${dataSha256.slice(0, 12)}`;
  const handle = await client.workflow
    .start<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: config.taskQueue,
      workflowId,
      args: [{ modelName: SAMPLE_MODEL, dataUri: dataPath }],
      // A failed or cancelled earlier attempt may be retried under the same id; a finished one is kept.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      staticSummary: `train ${SAMPLE_MODEL} on the bundled sample (${SAMPLE_ROWS} rows, seed ${SAMPLE_SEED})`,
    })
    .catch((err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle(workflowId);
      throw err;
    });
  const runId = (await handle.describe()).runId;
  say(`mlLifecycle ${workflowId}: ${workflowRunUrl(uiBase, config.namespace, workflowId, runId)}`);
  const result = await followLifecycle(handle, (line) => say(line));
  say(
    `${result.modelName} v${result.version} ${result.deployed ? 'deployed' : 'not deployed'}: ${result.reason}` +
      ` (test ROC AUC ${result.metrics.rocAuc.toFixed(4)})`,
  );
}
