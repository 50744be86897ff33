import { PredictionLogReader } from '../../monitoring/prediction-log';
import { ModelRegistry } from '../../registry/model-registry';
import { readBuildInfo } from '../../core/build-info';
import { loadConfig } from '../../core/config';
import { streamTaskQueueOf } from '../../contracts/stream';
import { createMlcycleWorkers } from '../../workers/mlcycle-workers';
import { installRuntime } from '../../workers/runtime';
import { commandConsole } from '../console';
import { waitForShutdownSignal } from '../shutdown';
import { connectWorkerConnection } from '../temporal-connection';

/** `mlcycle worker`: one worker process against TEMPORAL_ADDRESS; run more of them to scale out. */
export async function runWorkerCommand(): Promise<void> {
  const config = loadConfig();
  installRuntime();
  const registry = ModelRegistry.open(config.home);
  const predictionLog = PredictionLogReader.open(config.home);
  const connection = await connectWorkerConnection(config);
  try {
    const worker = await createMlcycleWorkers({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      registry,
      predictionLog,
      home: config.home,
      dataRoots: config.dataRoots,
      scoringUrl: config.scoringUrl,
      adminToken: config.adminToken,
      ...readBuildInfo(),
    });
    commandConsole().info(
      `worker polling task queues "${config.taskQueue}" and "${streamTaskQueueOf(config.taskQueue)}" on ${config.dialAddress}`,
    );
    // Ctrl-C or SIGTERM drains the worker: running activities finish (or are retried elsewhere).
    await worker.runUntil(waitForShutdownSignal());
  } finally {
    await connection.close();
    predictionLog.close();
    registry.close();
  }
}
