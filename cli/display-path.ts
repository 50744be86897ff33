import { isAbsolute, relative } from 'node:path';

/** A path as the README shows it: relative to the current directory when it is inside it. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const inside = relative(cwd, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
