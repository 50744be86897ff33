import type { FastifyPluginCallback } from 'fastify';
import { hasAdminToken } from './admin-auth';
import { ServingError, badRequest } from './problems';
import type { Traffic } from './traffic';

export interface RolloutRoutesOptions {
  traffic: Traffic;
  adminToken?: string;
}

/**
 * What the rollout watcher calls: this server's per-version counters of a model (cumulative since it
 * started; the watcher takes differences) and the rollout it routes by; and a refresh, so a new or
 * ended rollout applies now rather than at the next registry poll.
 */
export const rolloutRoutes: FastifyPluginCallback<RolloutRoutesOptions> = (app, { traffic, adminToken }, done) => {
  if (adminToken) {
    app.addHook('onRequest', async (request) => {
      if (!hasAdminToken(request, adminToken)) {
        throw new ServingError(401, 'Admin routes need "Authorization: Bearer <MLCYCLE_ADMIN_TOKEN>"');
      }
      return Promise.resolve();
    });
  }
  app.get<{ Querystring: { model?: string } }>('/admin/rollout-stats', (request) => {
    const model = request.query.model;
    if (typeof model !== 'string' || model === '') {
      const message = 'Name the model: /admin/rollout-stats?model=NAME';
      throw badRequest(message, [{ row: null, field: 'model', message }]);
    }
    return { ...traffic.stats.snapshot(model), rollout: traffic.router.rollout(model) ?? null };
  });
  app.post('/admin/rollouts/refresh', (request) => {
    traffic.router.refresh(request.log);
    return { rollouts: [...traffic.router.activeRollouts()] };
  });
  done();
};
