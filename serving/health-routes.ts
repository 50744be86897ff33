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
    if (!pool.isReady()) throw noModelLoaded('No model is loaded yet');
    return {
      status: 'ready',
      models: pool.servedNames().map((name) => ({ name, version: pool.servingVersion(name) })),
    };
  });
  done();
};
