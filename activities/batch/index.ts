import type { ModelRegistry } from '../../registry/model-registry';
import { joinBatchParts } from './join-batch-parts';
import { createLogBatchSample } from './log-batch-sample';
import { createPlanBatchScore } from './plan-batch';
import { createRemoveBatchParts } from './remove-batch-parts';
import { createScoreBatchChunk } from './score-batch-chunk';
import { ScorerCache } from './scorer-cache';

export interface BatchActivityDeps {
  registry: ModelRegistry;
  home: string;
  dataRoots: readonly string[];
}

/** The activities of `batchScore`: plan, score a chunk, join the parts, log a sample, clean up. */
export function createBatchActivities(deps: BatchActivityDeps) {
  const scorers = new ScorerCache();
  return {
    planBatchScore: createPlanBatchScore(deps),
    scoreBatchChunk: createScoreBatchChunk({ registry: deps.registry, scorers }),
    joinBatchParts,
    logBatchSample: createLogBatchSample(deps),
    removeBatchParts: createRemoveBatchParts(deps.home),
  };
}

export type BatchActivities = ReturnType<typeof createBatchActivities>;
