import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ModelBaseline } from '../monitoring/types';
import type { ModelVersionRecord } from '../registry/types';
import type { ModelPool } from './model-pool';
import type { ModelSchema } from './model-schema';
import { modelSchema } from './model-schema';

/** Versions whose schema is kept; a schema is a few KB, its baseline file (read once) about 150 KB. */
const MAX_CACHED = 64;

type VersionSchema = Omit<ModelSchema, 'servingVersion'>;

/**
 * Schemas of model versions, built once per version and kept: the baseline file is read and checked
 * asynchronously, so a request never reads the disk synchronously beyond the registry row lookups
 * (the version record, where its baseline is) that the pool does for a version it has not loaded, as
 * /predict with "version" does.
 */
export class ModelSchemas {
  private readonly cache = new Map<string, Promise<VersionSchema>>();

  constructor(private readonly pool: ModelPool) {}

  /** The schema of a version whose record the caller has found. */
  get(record: ModelVersionRecord): Promise<VersionSchema> {
    const key = `${record.version}@${record.modelName}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const built = this.build(record).then(({ schema, complete }) => {
      // A schema without its baseline is built again next time: the register step stores the baseline
      // just after the version, and a file that could not be read may be readable later.
      if (!complete && this.cache.get(key) === built) this.cache.delete(key);
      return schema;
    });
    this.cache.set(key, built);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    return built;
  }

  private async build(record: ModelVersionRecord): Promise<{ schema: VersionSchema; complete: boolean }> {
    const without = (why: string) => ({ schema: modelSchema(record, undefined, why), complete: false });
    const file = this.pool.baselineFile(record.modelName, record.version);
    if (!file) return without('this version has no drift baseline stored');
    try {
      const bytes = await readFile(file.path);
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== file.sha256) {
        return without(`its baseline file fails its sha256 check (${actual}, expected ${file.sha256})`);
      }
      const baseline = JSON.parse(bytes.toString('utf8')) as ModelBaseline;
      return { schema: modelSchema(record, baseline, undefined), complete: true };
    } catch (error) {
      return without(`its baseline file could not be read (${(error as Error).message})`);
    }
  }
}
