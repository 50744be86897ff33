import type { FastifyBaseLogger } from 'fastify';
import type { PredictionLogSink } from '../monitoring/prediction-log';
import { buildScoringApp } from './app';
import type { ModelSource } from './model-source';
import { ServingMetrics } from './metrics';
import { DEFAULT_REFRESH_INTERVAL_MS, ModelPool } from './model-pool';
import { ShadowLogWriter } from './shadow-log';
import { createTraffic } from './traffic';

export interface ScoringServerOptions {
  host: string;
  /** 0 picks a free port; `url` tells which. */
  port: number;
  source: ModelSource;
  defaultModel?: string;
  /** Opened (and closed, after the server) by the caller, which knows the data home; none: /feedback is 503. */
  predictionLog?: PredictionLogSink;
  adminToken?: string;
  refreshIntervalMs?: number;
  logger?: FastifyBaseLogger;
  logRequests?: boolean;
  /** Where shadow versions' answers are logged (a JSON-lines file per model); none: only counted. */
  shadowLogDir?: string;
}

export interface ScoringServer {
  url: string;
  pool: ModelPool;
  close(): Promise<void>;
}

/**
 * Starts the scoring server: loads what the source serves, then listens. A version that fails to load
 * does not stop the start; readiness stays 503 until one loads, and the pool retries on refresh.
 */
export async function startScoringServer(options: ScoringServerOptions): Promise<ScoringServer> {
  const metrics = new ServingMetrics({ processMetrics: true });
  const pool = new ModelPool({
    source: options.source,
    refreshIntervalMs: options.refreshIntervalMs,
    onLoad: metrics.countLoad,
  });
  const shadowLog = options.shadowLogDir === undefined ? undefined : new ShadowLogWriter(options.shadowLogDir);
  const refreshMs = options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
  const traffic = createTraffic(options.source, pool, refreshMs, shadowLog);
  const app = buildScoringApp({
    traffic,
    pool,
    metrics,
    defaultModel: options.defaultModel,
    predictionLog: options.predictionLog,
    adminToken: options.adminToken,
    logger: options.logger,
    logRequests: options.logRequests,
  });
  // Closing the app (after in-flight requests end) releases the sessions.
  app.addHook('onClose', async () => {
    traffic.router.close();
    await pool.close();
    await shadowLog?.close();
  });
  try {
    await pool.start(app.log);
    traffic.router.start(app.log);
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}`, pool, close: () => app.close() };
}
