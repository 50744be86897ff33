import { Context } from '@temporalio/activity';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomUUID, createHash } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printableExcerpt } from '../data/excerpt';
import { ArtifactIntegrityError, InvalidInputError } from '../core/errors';
import { safeFileName } from '../core/file-names';
import { confineToDataRoots, quoted } from './data-roots';

/** Scratch folder of the current workflow run; the same on every retry, so retries overwrite, not add. */
export async function currentRunDir(home: string): Promise<string> {
  const { workflowId, runId } = currentRun();
  const dir = join(home, 'runs', safeFileName(workflowId), safeFileName(runId));
  await mkdir(dir, { recursive: true });
  return dir;
}

export function currentRun(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  // Only standalone activities (not started by a workflow) lack it; mlcycle starts none.
  if (!execution) throw new Error('mlcycle activities run only inside a workflow');
  return { workflowId: execution.workflowId, runId: execution.runId };
}

/**
 * The real path of a data file named by a workflow input: a plain absolute path or a file:// URI
 * without a host, inside one of the worker's data roots, a regular readable file. Everything else
 * is a typed, non-retryable failure on the first attempt, before any byte of the file is read.
 */
export async function dataPathFromUri(uri: string, dataRoots: readonly string[], field = 'dataUri'): Promise<string> {
  const path = localPathOf(uri, field);
  // Node's file APIs throw a plain TypeError on a NUL byte (also as %00 in a URI), which would be retried.
  if (path.includes('\0')) throw new InvalidInputError(`${field} ${quoted(uri)} contains a NUL character`);
  return confineToDataRoots(path, dataRoots, field);
}

/** The local path a plain absolute path or host-less file:// URI names; anything else is an InvalidInputError. */
export function localPathOf(uri: string, field: string): string {
  if (typeof uri !== 'string' || uri.trim() === '') {
    throw new InvalidInputError(`${field} must be the absolute path or file:// URI of a CSV file`);
  }
  if (/^file:/i.test(uri)) return pathOfFileUrl(uri, field);
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !isAbsolute(uri)) {
    throw new InvalidInputError(`${field} ${quoted(uri)}: only local paths and file:// URIs are supported`);
  }
  if (!isAbsolute(uri)) {
    throw new InvalidInputError(
      `${field} ${quoted(uri)} is a relative path; pass an absolute path (or file:// URI) as the worker sees it`,
    );
  }
  return uri;
}

function pathOfFileUrl(uri: string, field: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidInputError(`${field} ${quoted(uri)} is not a valid file:// URI`);
  }
  if (url.hostname !== '' && url.hostname !== 'localhost') {
    throw new InvalidInputError(
      `${field} ${quoted(uri)} names the host "${printableExcerpt(url.hostname, 100)}": the worker reads only its own files; use file:///absolute/path`,
    );
  }
  try {
    return fileURLToPath(url);
  } catch (error) {
    throw new InvalidInputError(`${field} ${quoted(uri)} is not a usable file path: ${(error as Error).message}`);
  }
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
