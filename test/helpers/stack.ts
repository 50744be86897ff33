import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PredictionLogReader, PredictionLogWriter } from '../../monitoring/prediction-log';
import { ModelRegistry } from '../../registry/model-registry';
import { startScoringServer } from '../../serving/server';
import { createMlcycleWorkers } from '../../workers/mlcycle-workers';
import { startTestTemporal, uniqueTaskQueue } from './temporal';
import { TELCO_CSV, tempHome } from './paths';

export interface TestStack {
  env: TestWorkflowEnvironment;
  registry: ModelRegistry;
  /** The scoring server's side of the log: tests append, flush and send feedback through it. */
  predictionLog: PredictionLogWriter;
  /** The worker's side, read-only. */
  predictionLogReader: PredictionLogReader;
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
  const predictionLog = PredictionLogWriter.open(home, { flushIntervalMs: 50 });
  const predictionLogReader = PredictionLogReader.open(home);
  const scoring = await startScoringServer({
    host: '127.0.0.1',
    port: 0,
    source: registry,
    predictionLog,
    shadowLogDir: join(home, 'shadow-log'),
  });
  const taskQueue = uniqueTaskQueue('e2e');
  const worker = await createMlcycleWorkers({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    registry,
    predictionLog: predictionLogReader,
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
    predictionLogReader,
    home,
    taskQueue,
    scoringUrl: scoring.url,
    async stop() {
      worker.shutdown();
      await running;
      await scoring.close();
      predictionLog.close();
      predictionLogReader.close();
      registry.close();
      await env.teardown();
    },
  };
}
