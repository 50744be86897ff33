import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointRef } from '../../contracts/online';
import { safeFileName } from '../../core/file-names';
import type { OnlineState } from '../../models/online';

/** Checkpoints kept per run besides the one in use: enough for a reset to a recent point of the history. */
const KEEP = 20;

/** The folder of one online training's checkpoints (by workflow id: it outlives continue-as-new). */
export function checkpointDir(home: string, workflowId: string): string {
  return join(home, 'online', safeFileName(workflowId));
}

/**
 * Writes a state under a name made of its record count and its content's hash: a retry that learns the
 * same records writes the same file, and one that read a different range writes another, so a file
 * the workflow recorded is never replaced.
 */
export async function saveCheckpoint(dir: string, state: OnlineState): Promise<CheckpointRef> {
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

/** Removes all but the newest checkpoints, never one of `keep`. */
export async function pruneCheckpoints(dir: string, keep: string[]): Promise<void> {
  const names = (await readdir(dir)).filter((name) => name.startsWith('online-') && name.endsWith('.json'));
  const dated = await Promise.all(
    names.map(async (name) => ({ path: join(dir, name), at: (await stat(join(dir, name))).mtimeMs })),
  );
  dated.sort((a, b) => b.at - a.at);
  for (const { path } of dated.slice(KEEP)) {
    if (!keep.includes(path)) await rm(path, { force: true });
  }
}
