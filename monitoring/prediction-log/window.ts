import type { LiveWindow } from '../types';

/**
 * A window read from the prediction log, with the model versions that made its predictions and when
 * its labelled predictions were made (epoch ms, first and last; null with none).
 */
export type LoggedWindow = LiveWindow & { versions: number[]; labelledTimes: [first: number, last: number] | null };

/** One logged row as the window query returns it (`.raw()`): positional, so no object per row. */
export type WindowRow = [
  time: number,
  version: number,
  probability: number,
  label: 0 | 1 | null,
  features: string,
  labelledAt: number | null,
];

/** Epoch milliseconds from an ISO time or epoch milliseconds; anything else is a caller's mistake. */
export function toEpochMs(value: string | number, name: string): number {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be an ISO time or epoch milliseconds, got ${value}`);
  return ms;
}

/**
 * Turns rows, newest first as the query reads them, into the column-major window, oldest first. A
 * column is the union of the rows' feature names; a row without the feature has null there, as a
 * missing value rather than a shorter column. Labels that arrived after `labelsBy` are left out.
 */
export function buildWindow(rows: readonly WindowRow[], from: number, to: number, labelsBy = Infinity): LoggedWindow {
  const n = rows.length;
  const columns = new Map<string, unknown[]>();
  const probabilities = new Array<number>(n);
  const labelled: LiveWindow['labelled'] = [];
  const versions = new Set<number>();
  let labelledTimes: LoggedWindow['labelledTimes'] = null;
  for (let i = 0; i < n; i++) {
    const [time, version, probability, label, features, labelledAt] = rows[n - 1 - i] as WindowRow;
    probabilities[i] = probability;
    versions.add(version);
    if (label !== null && (labelledAt ?? 0) <= labelsBy) {
      labelled.push({ probability, label });
      labelledTimes = labelledTimes === null ? [time, time] : [labelledTimes[0], time];
    }
    const record = JSON.parse(features) as Record<string, unknown>;
    for (const name in record) {
      let column = columns.get(name);
      if (column === undefined) {
        column = new Array<unknown>(n).fill(null);
        columns.set(name, column);
      }
      column[i] = record[name];
    }
  }
  return {
    rows: n,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    columns: Object.fromEntries(columns),
    probabilities,
    labelled,
    versions: [...versions].sort((a, b) => a - b),
    labelledTimes,
  };
}
