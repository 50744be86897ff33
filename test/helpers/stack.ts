import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { PredictionLog } from '../../src/monitoring/prediction-log';
import { ModelRegistry } from '../../src/registry/model-registry';
import { startScoringServer } from '../../src/serving/server';
import { createLifecycleWorker } from '../../src/workers/lifecycle-worker';
import { startTestTemporal, uniqueTaskQueue } from './temporal';
import { TELCO_CSV, tempHome } from './paths';

export interface TestStack {
  env: TestWorkflowEnvironment;
  registry: ModelRegistry;
  predictionLog: PredictionLog;
  home: string;
  taskQueue: string;
  scoringUrl: string;
  stop(): Promise<void>;
}

/**
 * The real stack, as `mlcycle dev` runs it, on free ports and a temporary data home. Its worker reads
 * data from the data home and `dataRoots`: by default the Telco CSV's folder and the temporary folder
 * where tests write their files.
 */
export async function startTestStack(options: { dataRoots?: string[] } = {}): Promise<TestStack> {
  const env = await startTestTemporal();
  const home = tempHome('stack');
  const registry = ModelRegistry.open(home);
  const predictionLog = PredictionLog.open(home, { flushIntervalMs: 50 });
  const scoring = await startScoringServer({
    host: '127.0.0.1',
    port: 0,
    source: registry,
    predictionLog,
  });
  const taskQueue = uniqueTaskQueue('e2e');
  const worker: Worker = await createLifecycleWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    registry,
    predictionLog,
    home,
    dataRoots: [home, ...(options.dataRoots ?? [dirname(TELCO_CSV), tmpdir()])],
    scoringUrl: scoring.url,
    packageVersion: 'test',
    gitCommit: null,
  });
  const running = worker.run();
  return {
    env,
    registry,
    predictionLog,
    home,
    taskQueue,
    scoringUrl: scoring.url,
    async stop() {
      worker.shutdown();
      await running;
      await scoring.close();
      predictionLog.close();
      registry.close();
      await env.teardown();
    },
  };
}
