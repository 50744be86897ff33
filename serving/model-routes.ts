import type { FastifyPluginCallback } from 'fastify';
import { quoted } from './echo';
import type { ModelPool } from './model-pool';
import type { ModelSchema } from './model-schema';
import { ModelSchemas } from './model-schemas';
import { notFound } from './problems';
import { versionFromPath } from './versions';

export interface ModelRoutesOptions {
  pool: ModelPool;
}

/**
 * `GET /models/{name}`: the input schema of the serving version (columns in order, types, levels,
 * training ranges, target, threshold, metrics); `GET /models/{name}/versions/{v}` the same for any
 * registered version.
 */
export const modelRoutes: FastifyPluginCallback<ModelRoutesOptions> = (app, { pool }, done) => {
  const schemas = new ModelSchemas(pool);
  const describe = async (name: string, version: number): Promise<ModelSchema> => {
    const record = pool.findRecord(name, version);
    if (!record) throw notFound(`Model ${quoted(name)} has no version ${version}`);
    return { ...(await schemas.get(record)), servingVersion: pool.servingVersion(name) ?? null };
  };

  app.get<{ Params: { name: string } }>('/models/:name', async (request) => {
    const { name } = request.params;
    const version = pool.servingVersion(name);
    if (version === undefined) {
      const served = pool.servedNames().map((served) => `"${served}"`);
      throw notFound(
        `Model ${quoted(name)} is not served; served: ${served.join(', ') || 'none'} (GET /models/{name}/versions/{v} describes any registered version)`,
      );
    }
    return describe(name, version);
  });

  app.get<{ Params: { name: string; version: string } }>('/models/:name/versions/:version', async (request) =>
    describe(request.params.name, versionFromPath(request.params.version)),
  );
  done();
};
