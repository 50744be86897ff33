import { ThreadedPredictionLog } from '../../monitoring/prediction-log';
import { ModelRegistry } from '../../registry/model-registry';
import { loadConfig } from '../../core/config';
import { createLogger, standardSink } from '../../core/logging/logger';
import { logRequestsFrom } from '../../core/logging/log-settings';
import { commandConsole } from '../console';
import { startScoringFromConfig } from '../scoring-from-config';
import { waitForShutdownSignal } from '../shutdown';

/** `mlcycle serve`: a scoring replica that follows the registry's serving versions. */
export async function runServeCommand(): Promise<void> {
  const config = loadConfig();
  const registry = ModelRegistry.open(config.home);
  // The server's lines on stdout as Fastify's own logger writes them; a line per request only when asked.
  const logger = createLogger('scoring', standardSink('stdout'), { style: 'detailed' });
  // Written from a thread of its own: no SQLite write, prune or checkpoint on the requests' event loop.
  const predictionLog = await ThreadedPredictionLog.open(config.home, {
    onError: (err, during) => logger.warn({ err }, `prediction log ${during} failed`),
  });
  const server = await startScoringFromConfig(config, registry, predictionLog, {
    logger,
    logRequests: logRequestsFrom(),
  });
  if (process.send) {
    // Started by `mlcycle dev` (cli/scoring-process.ts): it prints the address, and stops this server
    // with SIGTERM, or by going away.
    process.send({ kind: 'listening', url: server.url });
    await Promise.race([waitForShutdownSignal(), new Promise((resolve) => process.once('disconnect', resolve))]);
  } else {
    commandConsole().info(
      `scoring server on ${server.url} (models: ${
        registry
          .listServing()
          .map((r) => `${r.modelName} v${r.version}`)
          .join(', ') || 'none yet'
      })`,
    );
    await waitForShutdownSignal();
  }
  await server.close();
  await predictionLog.close();
  registry.close();
  if (process.connected) process.disconnect();
}
