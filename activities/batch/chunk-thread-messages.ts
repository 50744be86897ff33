import type { BatchChunk, BatchFiles, ChunkResult } from '../../contracts/batch-activities';
import type { FeatureSpec } from '../../models/types';

/** What a chunk thread is asked to do: one chunk with one model version (loaded once per thread). */
export interface ChunkJob {
  plan: BatchFiles;
  chunk: BatchChunk;
  model: {
    modelName: string;
    version: number;
    artifactPath: string;
    artifactSha256: string;
    spec: FeatureSpec;
    threshold: number;
  };
}

/** What a chunk thread posts back: progress, then one result or one error. */
export type ChunkThreadMessage =
  | { kind: 'progress'; rowsDone: number }
  | { kind: 'result'; result: ChunkResult }
  | { kind: 'error'; name: string; message: string; stack?: string };
