import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { adminRoutes } from './admin-routes';
import { installErrorHandling } from './error-handling';
import { healthRoutes } from './health-routes';
import type { ModelPool } from './model-pool';
import { predictRoutes } from './predict-routes';

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

export interface ScoringAppOptions {
  pool: ModelPool;
  /** The model that answers requests naming none (MLCYCLE_MODEL). */
  defaultModel?: string;
  /** Largest accepted body in bytes; bigger ones get 413. */
  bodyLimit?: number;
  maxRecords?: number;
  logger?: FastifyServerOptions['logger'];
}

/**
 * The scoring HTTP app, not listening: tests drive it with `inject`, `startScoringServer` listens.
 * It borrows the pool; whoever created the pool closes it.
 */
export function buildScoringApp(options: ScoringAppOptions): FastifyInstance {
  const { pool, defaultModel, maxRecords } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit });
  // JSON only: fastify would otherwise accept text/plain bodies as strings, which no route understands.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app, { bodyLimit });
  void app.register(healthRoutes, { pool });
  void app.register(predictRoutes, { pool, defaultModel, maxRecords });
  void app.register(adminRoutes, { pool });
  return app;
}
