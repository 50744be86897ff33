import type { FastifyPluginCallback } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ModelPool } from './model-pool';
import { ServingError } from './problems';

export interface AdminRoutesOptions {
  pool: ModelPool;
  /** When set (MLCYCLE_ADMIN_TOKEN), admin routes need `Authorization: Bearer <token>`. */
  adminToken?: string;
}

const versionParams = {
  type: 'object',
  required: ['name', 'version'],
  properties: { name: { type: 'string', minLength: 1 }, version: { type: 'integer', minimum: 1 } },
} as const;

const servingSchema = {
  params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
  body: { type: 'object', required: ['version'], properties: { version: { type: 'integer', minimum: 1 } } },
} as const;

/**
 * What the deploy step calls: load (stage) a version, then point serving at it. Staging first means
 * the slow part (reading and checking the artifact, creating the session) happens while the old
 * version still answers, and a bad artifact is refused before anything changes.
 */
export const adminRoutes: FastifyPluginCallback<AdminRoutesOptions> = (app, { pool, adminToken }, done) => {
  // Registered as a plugin, so this hook guards only the admin routes, not /predict.
  if (adminToken) {
    app.addHook('onRequest', async (request) => {
      if (!sameSecret(request.headers.authorization ?? '', `Bearer ${adminToken}`)) {
        throw new ServingError(401, 'Admin routes need "Authorization: Bearer <MLCYCLE_ADMIN_TOKEN>"');
      }
      return Promise.resolve();
    });
  }
  app.post<{ Params: { name: string; version: number } }>(
    '/admin/models/:name/versions/:version/load',
    { schema: { params: versionParams } },
    async (request) => {
      const { name, version } = request.params;
      const { record } = await pool.stage(name, version);
      return { name, version, sha256: record.artifactSha256 };
    },
  );

  app.put<{ Params: { name: string }; Body: { version: number } }>(
    '/admin/models/:name/serving',
    { schema: servingSchema },
    async (request) => {
      const { name } = request.params;
      const previous = await pool.promote(name, request.body.version);
      request.log.info({ name, version: request.body.version, previous }, 'serving version promoted');
      return { name, version: pool.servingVersion(name) ?? null, previous: previous ?? null };
    },
  );

  app.get('/admin/models', () => ({ models: pool.describe() }));
  done();
};

/** Compares hashes in constant time, so response timing tells nothing about the token. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
