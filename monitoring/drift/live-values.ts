import { parseNumeric } from '../../models/features';

// The two passes over a window's raw column that the drift tests and the data-quality counts share,
// so each cell of a 100,000-row window is read once.

/** Non-missing values of a raw column, parsed as in training and sorted, in one typed array. */
export function parsedSorted(raw: readonly unknown[] | undefined, rows: number): Float64Array {
  const values = new Float64Array(rows);
  let present = 0;
  for (let i = 0; i < rows; i++) {
    const x = parseNumeric(raw?.[i]);
    if (!Number.isNaN(x)) values[present++] = x;
  }
  return values.subarray(0, present).sort();
}

/** Levels counted by comparison before a Map takes over (see countLevels). */
const SCANNED_LEVELS = 16;

/**
 * Rows per level. A column holds a handful of levels, and comparing each value with those seen so far
 * is several times faster than hashing every string into a Map; past 16 levels the Map takes over.
 */
export function countLevels(raw: readonly unknown[] | undefined, rows: number): Map<string, number> {
  const seen: string[] = [];
  const seenCounts: number[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    const level = levelOf(raw?.[i]);
    let k = 0;
    while (k < seen.length && seen[k] !== level) k++;
    if (k < seen.length) seenCounts[k] = (seenCounts[k] as number) + 1;
    else if (seen.length < SCANNED_LEVELS) {
      seen.push(level);
      seenCounts.push(1);
    } else counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  seen.forEach((level, k) => counts.set(level, seenCounts[k] as number));
  return counts;
}

/** A raw value as a category, read like the encoder reads it (models/features.ts). */
function levelOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // The encoder matches no level for an object; here it shows as a level of its own, so it is noticed.
  return '(not a category)';
}
