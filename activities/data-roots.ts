import { constants, type Stats } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { basename, delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { printableExcerpt } from '../data/excerpt';
import { DataAccessError } from '../core/errors';

/**
 * The real path of a data file, once it is known to lie inside one of the data roots and to be a
 * readable regular file. Anyone who can start a workflow chooses the path, so without this a
 * worker would read any file it can (`/proc/self/environ`, keys, other users' data) into
 * Temporal history through its error messages.
 *
 * `..` and symbolic links are resolved first (realpath), so `root/../../etc/passwd` and a link
 * inside a root that points out of it are refused; a path outside every root is refused with the
 * same words whether or not it exists. The real path is returned, and opened from then on, so a
 * link swapped after the check cannot lead elsewhere.
 */
export async function confineToDataRoots(path: string, roots: readonly string[], field: string): Promise<string> {
  const lexical = resolve(path);
  const realRoots = await realRootsOf(roots);
  const lexicallyInside = insideAny(lexical, [...roots.map((root) => resolve(root)), ...realRoots]);
  let real: string;
  try {
    real = await realpath(lexical);
  } catch (error) {
    // Outside the roots, a missing file reads like any other: no telling what exists there.
    throw lexicallyInside ? accessFailure(field, path, error) : outsideRoots(field, path, roots);
  }
  if (!insideAny(real, realRoots)) {
    throw outsideRoots(field, path, roots, lexicallyInside ? 'through a symbolic link' : '');
  }
  let stats: Stats;
  try {
    stats = await stat(real);
    if (stats.isFile()) await access(real, constants.R_OK);
  } catch (error) {
    throw accessFailure(field, path, error);
  }
  if (!stats.isFile()) {
    throw new DataAccessError(`${field} ${quoted(path)} is ${kindOf(stats)}, not a regular file; pass a CSV file.`);
  }
  return real;
}

/**
 * The real path a workflow may write a data file to: its folder must exist and lie inside one of the
 * data roots (links resolved), so a run cannot write over files elsewhere on the worker.
 */
export async function confineOutputToDataRoots(path: string, roots: readonly string[], field: string): Promise<string> {
  const lexical = resolve(path);
  let folder: string;
  try {
    folder = await realpath(dirname(lexical));
  } catch (error) {
    const inside = insideAny(lexical, [...roots.map((root) => resolve(root)), ...(await realRootsOf(roots))]);
    if (!inside) throw outsideRoots(field, path, roots);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DataAccessError(`${field} ${quoted(path)}: its folder does not exist on the worker; create it first.`);
    }
    throw error instanceof Error ? error : new Error(String(error));
  }
  const real = join(folder, basename(lexical));
  if (!insideAny(real, await realRootsOf(roots))) throw outsideRoots(field, path, roots);
  return real;
}

async function realRootsOf(roots: readonly string[]): Promise<string[]> {
  // A root that does not exist (yet) holds no files: it is simply skipped.
  const real = await Promise.all(roots.map((root) => realpath(resolve(root)).catch(() => null)));
  return real.filter((root): root is string => root !== null);
}

function insideAny(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rest = relative(root, path);
    return rest !== '' && rest !== '..' && !rest.startsWith(`..${sep}`) && resolve(root, rest) === path;
  });
}

function outsideRoots(field: string, path: string, roots: readonly string[], how = ''): DataAccessError {
  const where = how === '' ? 'is outside' : `leads ${how} outside`;
  return new DataAccessError(
    `${field} ${quoted(path)} ${where} the folders the worker may read data from (${roots.join(', ') || 'none'}). ` +
      `Move the file into one of them, or add its folder to MLCYCLE_DATA_ROOTS in the worker's environment ` +
      `(folders separated by '${delimiter}') and restart the worker.`,
  );
}

function accessFailure(field: string, path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const what = quoted(path);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new DataAccessError(`${field} ${what}: no such file on the worker; check the path as the worker sees it.`);
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new DataAccessError(`${field} ${what}: the worker may not read this file; check its permissions.`);
  }
  if (code === 'ELOOP' || code === 'ENAMETOOLONG') {
    return new DataAccessError(`${field} ${what}: the path cannot be resolved (${code}).`);
  }
  // Anything else (EIO, EMFILE, …) may pass: left as it is, so the activity is retried.
  return error instanceof Error ? error : new Error(String(error));
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A path the client chose, quoted for an error message: bounded, control characters escaped. */
export function quoted(path: string): string {
  return `"${printableExcerpt(path, 300)}"`;
}
