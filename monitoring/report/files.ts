import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidInputError } from '../../core/errors';
import { renderDriftReportHtml } from './html';
import type { RenderOptions } from './html';
import type { DriftReport } from '../types';

export interface LatestReport {
  htmlPath: string;
  jsonPath: string;
  stamp: string;
  drifted: boolean;
}

const LATEST = 'latest.json';
// A stamp becomes a file name: no separators or dot-dot, and never "latest", which would clobber the pointer.
const STAMP = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Writes `<dir>/<stamp>.html` and `<dir>/<stamp>.json`, then points `<dir>/latest.json` at them.
 * Each file goes to a temporary name and is renamed into place, and the pointer is written last, so a
 * reader never sees a half-written report and `latest.json` never names a file that is not there yet.
 * Writing the same stamp again (an activity retry) overwrites with the same content.
 */
export async function writeDriftReport(
  dir: string,
  report: DriftReport,
  stamp: string,
  options: RenderOptions = {},
): Promise<LatestReport> {
  if (!STAMP.test(stamp) || stamp.includes('..') || stamp === 'latest') {
    throw new InvalidInputError(`report stamp "${stamp}" must be a plain file name (letters, digits, . _ -)`);
  }
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const htmlPath = join(root, `${stamp}.html`);
  const jsonPath = join(root, `${stamp}.json`);
  await writeAtomically(htmlPath, renderDriftReportHtml(report, options));
  await writeAtomically(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const latest: LatestReport = { htmlPath, jsonPath, stamp, drifted: report.drifted };
  await writeAtomically(join(root, LATEST), `${JSON.stringify(latest, null, 2)}\n`);
  return latest;
}

/** The pointer written by the last `writeDriftReport`, or undefined when no report was written yet. */
export async function readLatestReport(dir: string): Promise<LatestReport | undefined> {
  let text: string;
  try {
    text = await readFile(join(resolve(dir), LATEST), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const value = JSON.parse(text) as Partial<LatestReport> | null;
  if (
    typeof value?.htmlPath !== 'string' ||
    typeof value.jsonPath !== 'string' ||
    typeof value.stamp !== 'string' ||
    typeof value.drifted !== 'boolean'
  ) {
    throw new Error(`${join(dir, LATEST)} is not a report pointer: ${text.slice(0, 200)}`);
  }
  return { htmlPath: value.htmlPath, jsonPath: value.jsonPath, stamp: value.stamp, drifted: value.drifted };
}

/** Writes to a temporary name and renames it into place, so a reader never sees half a file. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
