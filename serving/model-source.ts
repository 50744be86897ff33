import type { RolloutRecord } from '../registry/rollouts';
import type { ModelVersionRecord } from '../registry/types';

/**
 * Where the scoring server learns which versions exist and which one serves. The registry satisfies it
 * structurally; tests use an in-memory one. Reads only: the server never writes the registry.
 */
export interface ModelSource {
  getVersion(name: string, version: number): ModelVersionRecord | undefined;
  listServing(): ModelVersionRecord[];
  /** Every registered version of a model (for the V2 model metadata); optional for sources without. */
  listVersions?(name: string): ModelVersionRecord[];
  /** The version's drift baseline file (training ranges for GET /models/{name}); optional for sources without. */
  getBaseline?(name: string, version: number): { path: string; sha256: string } | undefined;
  /** Canary and shadow rollouts under way (the registry's `rollouts`); optional for sources without. */
  rollouts?: { listActive(): RolloutRecord[] };
}
