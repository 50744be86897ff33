import { Context, log } from '@temporalio/activity';
import { readFile } from 'node:fs/promises';
import type { ChunkResult, ScoreChunkInput } from '../../contracts/batch-activities';
import { InvalidInputError } from '../../core/errors';
import { sha256File } from '../../data/sha256';
import type { ModelRegistry } from '../../registry/model-registry';
import { writeJsonFile } from '../run-files';
import { chunkFiles } from './chunk-job';
import type { ChunkThreads } from './chunk-threads';

export interface ScoreChunkDeps {
  registry: ModelRegistry;
  threads: ChunkThreads;
}

/**
 * Scores one chunk of a batch run into its own part file. Idempotent: a chunk whose part, rejects and
 * sample are already complete (the manifest written last says so, and their digests still match) is
 * returned as it is, so a retry after a lost completion does not score it again.
 */
export function createScoreBatchChunk(deps: ScoreChunkDeps) {
  return async function scoreBatchChunk({ plan, chunk }: ScoreChunkInput): Promise<ChunkResult> {
    const files = chunkFiles(plan, chunk.index);
    const finished = await finishedChunk(files.manifest);
    if (finished) {
      log.info('batch chunk already scored', { chunk: chunk.index });
      return finished;
    }
    const record = deps.registry.getVersion(plan.modelName, plan.version);
    if (!record) throw new InvalidInputError(`${plan.modelName} has no version ${plan.version} in the registry`);
    const context = Context.current();
    const { modelName, version, artifactPath, artifactSha256, spec, threshold } = record;
    const result = await deps.threads.run(
      { plan, chunk, model: { modelName, version, artifactPath, artifactSha256, spec, threshold } },
      { onProgress: (rowsDone) => context.heartbeat({ rowsDone }), signal: context.cancellationSignal },
    );
    await writeJsonFile(files.manifest, result);
    log.info('batch chunk scored', { chunk: chunk.index, rows: result.rows, rejected: result.rejectedRows });
    return result;
  };
}

async function finishedChunk(manifestPath: string): Promise<ChunkResult | undefined> {
  let result: ChunkResult;
  try {
    result = JSON.parse(await readFile(manifestPath, 'utf8')) as ChunkResult;
  } catch {
    return undefined;
  }
  const digests = await Promise.all(
    [result.partPath, result.rejectsPath, result.logPath].map((path) => sha256File(path).catch(() => null)),
  );
  const matches =
    digests[0] === result.partSha256 && digests[1] === result.rejectsSha256 && digests[2] === result.logSha256;
  return matches ? result : undefined;
}
