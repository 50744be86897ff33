import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { PredictionLogSink } from '../monitoring/prediction-log';
import { adminRoutes } from './admin-routes';
import { answerFrameworkError, installErrorHandling } from './error-handling';
import { feedbackRoutes } from './feedback-routes';
import { healthRoutes } from './health-routes';
import { installJsonBodyParser } from './json-body';
import { installMetrics, ServingMetrics } from './metrics';
import type { ModelPool } from './model-pool';
import { modelRoutes } from './model-routes';
import { invocationsRoutes } from './mlflow/routes';
import { predictRoutes } from './predict-routes';
import { rolloutRoutes } from './rollout-routes';
import type { Traffic } from './traffic';
import { v2Routes } from './v2/routes';

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

export interface ScoringAppOptions {
  pool: ModelPool;
  /** The model that answers requests naming none (MLCYCLE_MODEL). */
  defaultModel?: string;
  /** Largest accepted body in bytes; bigger ones get 413. */
  bodyLimit?: number;
  maxRecords?: number;
  /** Where /predict logs what it answered and /feedback stores outcomes; without it /feedback is 503. */
  predictionLog?: PredictionLogSink;
  /** Guards the admin routes the deploy step calls and the no-log header of its smoke test (MLCYCLE_ADMIN_TOKEN). */
  adminToken?: string;
  /** mlcycle's pino logger for the server's own lines (load failures, promotions, 5xx); none: silent. */
  logger?: FastifyBaseLogger;
  /** Fastify's two lines per request at info (`mlcycle serve` keeps them; `dev` logs no requests). */
  logRequests?: boolean;
  /** `GET /metrics` and the hook that counts requests: on unless `false`; pass one to share it with the pool. */
  metrics?: ServingMetrics | false;
  /** Canary split, version pins, shadow copies and per-version counters (serving/traffic.ts); none: serving only. */
  traffic?: Traffic;
}

/**
 * The scoring HTTP app, not listening: tests drive it with `inject`, `startScoringServer` listens.
 * It borrows the pool and the prediction log; whoever created them closes them.
 */
export function buildScoringApp(options: ScoringAppOptions): FastifyInstance {
  const { pool, defaultModel, maxRecords, predictionLog, adminToken, traffic } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    bodyLimit,
    frameworkErrors: answerFrameworkError,
    // A route schema must refuse "1" where the contract says a number (contracts/http.ts), not turn it into 1.
    ajv: { customOptions: { coerceTypes: false } },
  });
  // JSON only: fastify would otherwise accept text/plain bodies as strings, which no route understands.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  installErrorHandling(app, { bodyLimit });
  if (options.metrics !== false) installMetrics(app, options.metrics ?? new ServingMetrics(), predictionLog);
  void app.register(healthRoutes, { pool });
  void app.register(predictRoutes, { pool, defaultModel, maxRecords, predictionLog, adminToken, traffic });
  void app.register(invocationsRoutes, { pool, defaultModel, maxRecords, predictionLog, adminToken, traffic });
  void app.register(v2Routes, { pool, maxRecords, predictionLog, adminToken, traffic });
  void app.register(feedbackRoutes, { predictionLog });
  void app.register(modelRoutes, { pool });
  void app.register(adminRoutes, { pool, adminToken });
  if (traffic) void app.register(rolloutRoutes, { traffic, adminToken });
  // Whatever the last requests logged is written when the app stops, before its owner closes the log.
  if (predictionLog) app.addHook('onClose', async () => void (await predictionLog.flush()));
  return app;
}
