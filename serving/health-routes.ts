import type { FastifyPluginCallback } from 'fastify';
import type { ModelPool } from './model-pool';
import { noModelLoaded } from './problems';

export interface HealthRoutesOptions {
  pool: ModelPool;
}

/** Liveness is the process answering; readiness is a model to answer with, so a load balancer waits for it. */
export const healthRoutes: FastifyPluginCallback<HealthRoutesOptions> = (app, { pool }, done) => {
  app.get('/health/live', () => ({ status: 'live' }));

  app.get('/health/ready', () => {
    const failures = pool.loadFailures();
    if (!pool.isReady()) {
      throw noModelLoaded(failures.length > 0 ? `No model is loaded: ${failures[0]?.error}` : 'No model is loaded yet');
    }
    return {
      status: 'ready',
      models: pool.servedNames().map((name) => ({ name, version: pool.servingVersion(name) })),
      // The registry names a version this server refused (e.g. a failed sha256 check): it keeps serving the last good one.
      ...(failures.length > 0 ? { failedLoads: failures } : {}),
    };
  });
  done();
};
