import type { ModelRegistry } from '../../registry/model-registry';
import { joinBatchParts } from './join-batch-parts';
import { createLogBatchSample } from './log-batch-sample';
import { createPlanBatchScore } from './plan-batch';
import { createRemoveBatchParts } from './remove-batch-parts';
import { ChunkThreads } from './chunk-threads';
import { createScoreBatchChunk } from './score-batch-chunk';

export interface BatchActivityDeps {
  registry: ModelRegistry;
  home: string;
  dataRoots: readonly string[];
}

/** The activities of `batchScore`: plan, score a chunk, join the parts, log a sample, clean up. */
export function createBatchActivities(deps: BatchActivityDeps) {
  const threads = new ChunkThreads();
  return {
    planBatchScore: createPlanBatchScore(deps),
    scoreBatchChunk: createScoreBatchChunk({ registry: deps.registry, threads }),
    joinBatchParts,
    logBatchSample: createLogBatchSample(deps),
    removeBatchParts: createRemoveBatchParts(deps.home),
  };
}

export type BatchActivities = ReturnType<typeof createBatchActivities>;
