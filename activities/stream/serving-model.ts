import type { ModelRegistry } from '../../registry/model-registry';
import { ModelPool, type LoadedModel } from '../../serving/model-pool';

/** How often the stream re-reads the registry's serving version: a promotion is followed within this. */
export const FOLLOW_INTERVAL_MS = 2_000;

/**
 * The serving version of one model, followed as the scoring server follows it: the same pool (one ONNX
 * session per version, a swap between two batches, never within one), fed by the registry.
 */
export class ServingModel {
  private readonly pool: ModelPool;

  constructor(
    registry: ModelRegistry,
    private readonly modelName: string,
  ) {
    this.pool = new ModelPool({
      source: {
        getVersion: (name, version) => registry.getVersion(name, version),
        listServing: () => registry.listServing().filter((record) => record.modelName === modelName),
      },
      refreshIntervalMs: FOLLOW_INTERVAL_MS,
    });
  }

  start(): Promise<unknown> {
    return this.pool.start();
  }

  /** Undefined while the model has no serving version. */
  servingVersion(): number | undefined {
    return this.pool.servingVersion(this.modelName);
  }

  withModel<T>(use: (model: LoadedModel) => Promise<T>): Promise<T> {
    return this.pool.withModel(this.modelName, undefined, use);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
