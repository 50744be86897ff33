import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { safeFileName } from '../../core/file-names';

/** Checkpoints kept per run besides the one in use: enough for a reset to a recent point of the history. */
const KEEP = 20;

/** The folder of one online training's checkpoints (by workflow id: it outlives continue-as-new). */
export function checkpointDir(home: string, workflowId: string): string {
  return join(home, 'online', safeFileName(workflowId));
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
