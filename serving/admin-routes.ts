import type { FastifyPluginCallback } from 'fastify';
import { hasAdminToken } from './admin-auth';
import type { ModelPool } from './model-pool';
import { ServingError } from './problems';
import { versionFromBody, versionFromPath } from './versions';

export interface AdminRoutesOptions {
  pool: ModelPool;
  /** When set (MLCYCLE_ADMIN_TOKEN), admin routes need `Authorization: Bearer <token>`. */
  adminToken?: string;
}

/**
 * What the deploy step calls: load (stage) a version, then point serving at it. Staging first means
 * the slow part (reading and checking the artifact, creating the session) happens while the old
 * version still answers, and a bad artifact is refused before anything changes.
 *
 * Versions are checked by hand (`versions.ts`), not by a route schema: the contract's schema
 * (`ServingRequestSchema` in contracts/http.ts) says the same, but the hand check's message names
 * the rule and quotes what was sent, the same words for a body and a path.
 */
export const adminRoutes: FastifyPluginCallback<AdminRoutesOptions> = (app, { pool, adminToken }, done) => {
  // Registered as a plugin, so this hook guards only the admin routes, not /predict.
  if (adminToken) {
    app.addHook('onRequest', async (request) => {
      if (!hasAdminToken(request, adminToken)) {
        throw new ServingError(401, 'Admin routes need "Authorization: Bearer <MLCYCLE_ADMIN_TOKEN>"');
      }
      return Promise.resolve();
    });
  }
  app.post<{ Params: { name: string; version: string } }>(
    '/admin/models/:name/versions/:version/load',
    async (request) => {
      const { name } = request.params;
      const version = versionFromPath(request.params.version);
      const { record } = await pool.stage(name, version);
      return { name, version, sha256: record.artifactSha256 };
    },
  );

  app.put<{ Params: { name: string }; Body: unknown }>('/admin/models/:name/serving', async (request) => {
    const { name } = request.params;
    const version = versionFromBody(request.body);
    const previous = await pool.promote(name, version);
    request.log.info({ name, version, previous }, 'serving version promoted');
    return { name, version: pool.servingVersion(name) ?? null, previous: previous ?? null };
  });

  app.get('/admin/models', () => ({ models: pool.describe() }));
  done();
};
