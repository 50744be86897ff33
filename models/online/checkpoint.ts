import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactIntegrityError, InvalidInputError } from '../../core/errors';
import type { OnlineState } from './state';

export interface CheckpointRef {
  path: string;
  sha256: string;
}

/**
 * Writes `state` as `online-<recordsLearned>-<sha256 prefix>.json` in `dir`, atomically (a temporary
 * file renamed over it), and returns its path and sha256 for the workflow to keep. The same state
 * always gives the same bytes and name, so a retried write is harmless; a different state (the same
 * record count, another cursor in `meta`) gets another name, so a file a workflow recorded is never
 * replaced under it.
 */
export async function writeCheckpoint(dir: string, state: OnlineState): Promise<CheckpointRef> {
  await mkdir(dir, { recursive: true });
  const bytes = Buffer.from(`${JSON.stringify(state)}\n`, 'utf8');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const path = join(dir, `online-${state.recordsLearned}-${sha256.slice(0, 16)}.json`);
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { path, sha256 };
}

/** The state at `path`, only if its bytes still have the recorded sha256 (else ArtifactIntegrityError). */
export async function readCheckpoint(path: string, sha256: string): Promise<OnlineState> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    // A checkpoint the workflow recorded and that is gone will not come back on a retry.
    if (error.code === 'ENOENT') throw new ArtifactIntegrityError(`Checkpoint ${path} is missing`);
    throw error;
  });
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) {
    throw new ArtifactIntegrityError(`Checkpoint ${path} has sha256 ${actual}, but ${sha256} was recorded for it`);
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as OnlineState;
  } catch (error) {
    throw new InvalidInputError(`Checkpoint ${path} is not JSON: ${(error as Error).message}`);
  }
}
