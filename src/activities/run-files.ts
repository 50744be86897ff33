import { Context } from '@temporalio/activity';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomUUID, createHash } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArtifactIntegrityError, InvalidInputError } from '../shared/errors';

/** Scratch folder of the current workflow run; the same on every retry, so retries overwrite, not add. */
export async function currentRunDir(home: string): Promise<string> {
  const { workflowId, runId } = currentRun();
  const dir = join(home, 'runs', encodeURIComponent(workflowId), runId);
  await mkdir(dir, { recursive: true });
  return dir;
}

export function currentRun(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  // Only standalone activities (not started by a workflow) lack it; mlcycle starts none.
  if (!execution) throw new Error('mlcycle activities run only inside a workflow');
  return { workflowId: execution.workflowId, runId: execution.runId };
}

/** Accepts a plain path or a file:// URI; other schemes get a clear non-retryable error. */
export function dataPathFromUri(uri: string): string {
  if (uri.startsWith('file://')) return fileURLToPath(uri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new InvalidInputError(`dataUri "${uri}": only local paths and file:// URIs are supported`);
  }
  return isAbsolute(uri) ? uri : resolve(uri);
}

/** Writes JSON atomically (temporary file + rename) and returns its sha256. */
export async function writeJsonFile(path: string, value: unknown): Promise<string> {
  const text = JSON.stringify(value);
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
  return createHash('sha256').update(text).digest('hex');
}

export async function writeBytesFile(path: string, bytes: Uint8Array): Promise<string> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a file a previous step wrote and checks it is the one that step reported. */
export async function readVerified(path: string, sha256: string): Promise<Buffer> {
  const bytes = await readFile(path);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) {
    throw new ArtifactIntegrityError(`${path} changed since it was written: sha256 ${actual}, expected ${sha256}`);
  }
  return bytes;
}

export async function readVerifiedJson<T>(path: string, sha256: string): Promise<T> {
  return JSON.parse((await readVerified(path, sha256)).toString('utf8')) as T;
}
