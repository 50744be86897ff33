import type { DataProblem } from '../core/errors';
import { parseNumeric } from './features';
import { rocAuc } from './metrics';
import type { InputColumn, RawTable } from './types';

// Leakage checks: findings that make a test score too good to be true. They warn, never fail: a
// feature may legitimately be that strong, and the person training decides.

/** A numeric feature whose values alone rank the classes this well (either way round) is suspect. */
export const LEAK_ROC_AUC = 0.99;
/** A categorical feature is suspect when levels this pure in one class… */
export const LEAK_LEVEL_PURITY = 0.99;
/** …cover this share of the rows. */
export const LEAK_PURE_ROW_SHARE = 0.9;
/** Smaller levels are pure by chance too often to count as evidence. */
const LEAK_MIN_LEVEL_ROWS = 10;
/**
 * Rows looked at per column: an evenly spaced subset of a larger table. Near-perfect separation shows
 * as clearly in 100,000 rows as in millions, and the check runs on the worker's event loop.
 */
const LEAK_ROWS_CHECKED = 100_000;

/**
 * Input columns that predict the target almost perfectly on their own: a copy of the target, or a
 * value only known after the outcome (e.g. a cancellation date for churn).
 */
export function targetLeakSuspects(table: RawTable, inputs: readonly InputColumn[], labels: Uint8Array): DataProblem[] {
  const suspects: DataProblem[] = [];
  const step = Math.max(1, Math.ceil(labels.length / LEAK_ROWS_CHECKED));
  for (const input of inputs) {
    const cells = table.columns[input.name];
    if (!cells) continue;
    const reason = input.kind === 'numeric' ? numericLeak(cells, labels, step) : categoricalLeak(cells, labels, step);
    if (reason === null) continue;
    suspects.push({
      code: 'target-leak-suspect',
      column: input.name,
      message: `Column '${input.name}' alone predicts the target almost perfectly (${reason}): check it is not a copy of the target or a value known only after the outcome, or the test score will overstate the model.`,
    });
  }
  return suspects;
}

function numericLeak(cells: readonly string[], labels: Uint8Array, step: number): string | null {
  const values: number[] = [];
  const y: number[] = [];
  for (let row = 0; row < cells.length; row += step) {
    const value = parseNumeric(cells[row]);
    if (Number.isNaN(value)) continue;
    values.push(value);
    y.push(labels[row] as number);
  }
  const auc = rocAuc(y, values);
  if (Number.isNaN(auc)) return null;
  const separation = Math.max(auc, 1 - auc);
  return separation >= LEAK_ROC_AUC ? `ROC AUC ${separation.toFixed(4)} on its own` : null;
}

function categoricalLeak(cells: readonly string[], labels: Uint8Array, step: number): string | null {
  const levels = new Map<string, { rows: number; positives: number }>();
  let checked = 0;
  for (let row = 0; row < cells.length; row += step, checked++) {
    const level = cells[row] ?? '';
    const counts = levels.get(level) ?? { rows: 0, positives: 0 };
    counts.rows++;
    counts.positives += labels[row] as number;
    levels.set(level, counts);
  }
  let pureRows = 0;
  for (const { rows, positives } of levels.values()) {
    const purity = Math.max(positives, rows - positives) / rows;
    if (rows >= LEAK_MIN_LEVEL_ROWS && purity >= LEAK_LEVEL_PURITY) pureRows += rows;
  }
  const share = checked > 0 ? pureRows / checked : 0;
  return share >= LEAK_PURE_ROW_SHARE
    ? `${(share * 100).toFixed(1)}% of the rows are in levels at least ${LEAK_LEVEL_PURITY * 100}% one class`
    : null;
}

/**
 * Test rows that also occur, cell for cell (the id column left out), among the rows the model was
 * fitted on: the test score of such rows measures memory, not generalisation.
 */
export function sharedRowCount(
  table: RawTable,
  columns: readonly string[],
  fittedRows: readonly number[],
  testRows: readonly number[],
): number {
  const cells = columns.map((name) => table.columns[name] ?? []);
  const fitted = new Set<number>();
  for (const row of fittedRows) fitted.add(rowHash(cells, row));
  let shared = 0;
  for (const row of testRows) if (fitted.has(rowHash(cells, row))) shared++;
  return shared;
}

/**
 * A 53-bit hash of a row's cells (two 32-bit FNV-1a hashes with different seeds), kept as a number so a
 * million rows cost a Set of numbers rather than of long strings. A false match needs a collision of
 * both: about one in 10^10 for a million rows.
 */
function rowHash(cells: readonly (readonly string[])[], row: number): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (const column of cells) {
    const cell = column[row] ?? '';
    for (let i = 0; i < cell.length; i++) {
      const code = cell.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x5bd1e995);
    }
    // A separator, so ('ab', 'c') and ('a', 'bc') differ.
    a = Math.imul(a ^ 0x1f, 0x01000193);
    b = Math.imul(b ^ 0x1f, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
