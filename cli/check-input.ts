import { accessSync, constants, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TSchema } from 'typebox';
import { schemaProblems } from '../contracts/check';
import { durationToMs } from '../core/duration';
import { MODEL_NAME_PATTERN } from '../contracts/common';

/**
 * Checks a model name before a command creates or changes anything named after it (schedules,
 * workflow ids): the workflows would refuse it later, after the schedule already exists.
 */
export function checkModelName(name: string, flag = '--model'): string {
  if (!MODEL_NAME_PATTERN.test(name)) {
    throw new Error(
      `${flag} ${JSON.stringify(name)} is not a model name: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return name;
}

/**
 * The absolute path of a local CSV given as a path (relative to the current directory) or a
 * `file://` URI; refuses other schemes and anything that is not an existing, readable regular file,
 * so a schedule never points at data no run could read.
 */
export function localDataFile(value: string, flag = '--data', cwd: string = process.cwd()): string {
  const path = toLocalPath(value, flag, cwd);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      `${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(err)})`}`,
    );
  }
  if (!isFile) throw new Error(`${flag} ${path}: not a regular file (give the path of a CSV file)`);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new Error(`${flag} ${path}: not readable by this user`);
  }
  return path;
}

/**
 * The absolute path of a file a run will write, given like `localDataFile`'s: its folder must exist and
 * be writable now, so a mistyped folder fails here rather than after the whole input has been scored.
 */
export function localOutputFile(value: string, flag = '--out', cwd: string = process.cwd()): string {
  const path = toLocalPath(value, flag, cwd);
  const folder = dirname(path);
  let folderIsDirectory: boolean;
  try {
    folderIsDirectory = statSync(folder).isDirectory();
  } catch {
    throw new Error(`${flag} ${path}: the folder ${folder} does not exist`);
  }
  if (!folderIsDirectory) throw new Error(`${flag} ${path}: ${folder} is not a folder`);
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // Not there yet: the run creates it.
  }
  if (isDirectory) throw new Error(`${flag} ${path}: is a folder; give the path of the file to write`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new Error(`${flag} ${path}: the folder ${folder} is not writable by this user`);
  }
  return path;
}

function toLocalPath(value: string, flag: string, cwd: string): string {
  if (value.trim() === '') throw new Error(`${flag} needs the path or file:// URI of a CSV file`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(value)?.[1];
  if (scheme === undefined) return isAbsolute(value) ? resolve(value) : resolve(cwd, value);
  if (scheme.toLowerCase() !== 'file') {
    throw new Error(
      `${flag} ${JSON.stringify(value)}: ${scheme}: URIs are not supported; give a local path or a file:// URI (download the file first)`,
    );
  }
  try {
    return fileURLToPath(value);
  } catch (err) {
    throw new Error(
      `${flag} ${JSON.stringify(value)} is not a local file:// URI (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}

/** A count given on the command line, e.g. --min-rows. */
export function nonNegativeInteger(value: string, flag: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < 0) {
    throw new Error(`${flag} must be a whole number ≥ 0, got "${value}"`);
  }
  return number;
}

/** A duration like 30m, 6h or 2d, e.g. --cooldown. */
export function duration(value: string, flag: string): string {
  const millis = durationToMs(value);
  if (!(millis >= 0)) throw new Error(`${flag} "${value}" is not a duration like 30m, 6h or 2d`);
  return value;
}

/**
 * Checks a workflow input built from flags against the contract's schema, the same one the workflow
 * checks at its top, so a wrong value fails here, before any schedule or run exists. Each problem
 * names the flag and the input field.
 */
export function checkWorkflowInput<T>(
  workflow: string,
  schema: TSchema,
  input: T,
  flagOf: Partial<Record<string, string>>,
): T {
  const problems = schemaProblems(schema, input);
  if (problems.length === 0) return input;
  const lines = problems.map(({ field, message }) => {
    const flag = flagOf[field.split('.')[0] ?? field];
    return `  ${flag ? `${flag} (${field})` : field} ${message}`;
  });
  throw new Error(`the ${workflow} input is invalid, nothing was started:\n${lines.join('\n')}`);
}
