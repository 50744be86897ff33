import type { FastifyBaseLogger } from 'fastify';
import { join } from 'node:path';
import type { PredictionLogSink } from '../monitoring/prediction-log';
import type { ModelRegistry } from '../registry/model-registry';
import { startScoringServer, type ScoringServer } from '../serving/server';
import type { MlcycleConfig } from '../core/config';

/** The scoring server as `dev` and `serve` run it: settings from the environment, the registry as source. */
export function startScoringFromConfig(
  config: MlcycleConfig,
  registry: ModelRegistry,
  predictionLog: PredictionLogSink,
  options: { logger: FastifyBaseLogger; logRequests: boolean },
): Promise<ScoringServer> {
  return startScoringServer({
    host: config.host,
    port: config.port,
    source: registry,
    predictionLog,
    adminToken: config.adminToken,
    defaultModel: config.defaultModel,
    logger: options.logger,
    logRequests: options.logRequests,
    shadowLogDir: join(config.home, 'shadow-log'),
  });
}
