import type * as Danfo from 'danfojs-node';
import { parseNumeric } from '../models/features';
import { createRng } from '../models/random';
import type { InputColumn, RawTable } from '../models/types';
import { isMissingValue } from './schema';

export interface NumericSummary {
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n - 1), 0 for a single value. */
  std: number;
  /** Quantiles interpolate linearly between the nearest values, as pandas does by default. */
  p25: number;
  p50: number;
  p75: number;
}

export interface LevelCount {
  value: string;
  count: number;
}

interface ProfileBase {
  name: string;
  /** Cells with no usable value: blank, a missing-value spelling, or (numeric) not a number. */
  missing: number;
  /** Distinct values among the rest. */
  distinct: number;
  /** Rows the figures come from: all rows, or a seeded sample of a large table. */
  rowsProfiled: number;
}

export interface NumericProfile extends ProfileBase {
  kind: 'numeric';
  /** null when the column has no numbers at all. */
  stats: NumericSummary | null;
}

export interface CategoricalProfile extends ProfileBase {
  kind: 'categorical';
  /** The most common values, most common first (ties by value). */
  topLevels: LevelCount[];
}

export type ColumnProfile = NumericProfile | CategoricalProfile;

export interface ProfileOptions {
  /** Up to this many rows are profiled with danfojs; larger tables by hand on a sample. */
  maxDanfoRows?: number;
  sampleRows?: number;
  seed?: number;
}

export const DEFAULT_MAX_DANFO_ROWS = 200_000;
export const DEFAULT_SAMPLE_ROWS = 100_000;
const TOP_LEVELS = 10;

/** Summary statistics of each input column, for the validation report and drift baselines. */
export async function profileTable(
  table: RawTable,
  inputs: InputColumn[],
  options: ProfileOptions = {},
): Promise<ColumnProfile[]> {
  const { maxDanfoRows = DEFAULT_MAX_DANFO_ROWS, sampleRows = DEFAULT_SAMPLE_ROWS, seed = 0 } = options;
  if (table.rowCount <= maxDanfoRows) {
    const danfo = await loadDanfo();
    return inputs.map((input) => profileWithDanfo(danfo, input, table.columns[input.name] ?? []));
  }
  const rows = sampleRowIndices(table.rowCount, sampleRows, seed);
  return inputs.map((input) => {
    const cells = table.columns[input.name] ?? [];
    return profileByHand(
      input,
      rows.map((row) => cells[row] ?? ''),
    );
  });
}

let danfoModule: Promise<typeof Danfo> | undefined;

/** danfojs takes the best part of a second to load (it brings TensorFlow.js): only when needed, once. */
function loadDanfo(): Promise<typeof Danfo> {
  danfoModule ??= import('danfojs-node');
  return danfoModule;
}

function profileWithDanfo(danfo: typeof Danfo, input: InputColumn, cells: string[]): ColumnProfile {
  const { name } = input;
  if (input.kind === 'numeric') {
    const numbers = numbersOf(cells);
    const base = { name, missing: cells.length - numbers.length, rowsProfiled: cells.length };
    if (numbers.length === 0) return { ...base, kind: 'numeric', distinct: 0, stats: null };
    const series = new danfo.Series(numbers);
    // Not describe(): its median (mathjs quickselect) takes quadratic time on a column of 0s and 1s.
    const sorted = series.sortValues().values as number[];
    const stats = {
      min: series.min(),
      max: series.max(),
      mean: series.mean(),
      std: numbers.length > 1 ? series.std() : 0,
      p25: quantile(sorted, 0.25),
      p50: quantile(sorted, 0.5),
      p75: quantile(sorted, 0.75),
    };
    return { ...base, kind: 'numeric', distinct: series.nUnique(), stats };
  }
  const present = cells.filter((cell) => !isMissingValue(cell));
  const base = { name, missing: cells.length - present.length, rowsProfiled: cells.length };
  if (present.length === 0) return { ...base, kind: 'categorical', distinct: 0, topLevels: [] };
  // Typed as strings, or danfojs would turn a column of '1'/'2' codes into numbers.
  const counts = new danfo.Series(present, { dtypes: ['string'] }).valueCounts();
  const levels = counts.index.map((value, i) => ({
    value: String(value),
    count: counts.values[i] as number,
  }));
  return { ...base, kind: 'categorical', distinct: levels.length, topLevels: mostCommon(levels) };
}

/** The same figures as `profileWithDanfo`, computed directly: for samples of tables too big for danfojs. */
function profileByHand(input: InputColumn, cells: string[]): ColumnProfile {
  const { name } = input;
  if (input.kind === 'numeric') {
    const sorted = Float64Array.from(numbersOf(cells)).sort();
    const base = { name, missing: cells.length - sorted.length, rowsProfiled: cells.length };
    if (sorted.length === 0) return { ...base, kind: 'numeric', distinct: 0, stats: null };
    return { ...base, kind: 'numeric', distinct: countDistinctSorted(sorted), stats: summarise(sorted) };
  }
  const counts = new Map<string, number>();
  let missing = 0;
  for (const cell of cells) {
    if (isMissingValue(cell)) missing++;
    else counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  const levels = [...counts].map(([value, count]) => ({ value, count }));
  const base = { name, missing, distinct: counts.size, rowsProfiled: cells.length };
  return { ...base, kind: 'categorical', topLevels: mostCommon(levels) };
}

function summarise(sorted: Float64Array): NumericSummary {
  const n = sorted.length;
  let sum = 0;
  for (const x of sorted) sum += x;
  const mean = sum / n;
  let squares = 0;
  for (const x of sorted) squares += (x - mean) ** 2;
  return {
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    mean,
    std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    p25: quantile(sorted, 0.25),
    p50: quantile(sorted, 0.5),
    p75: quantile(sorted, 0.75),
  };
}

function quantile(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (upper - lower) * (position - below);
}

function countDistinctSorted(sorted: Float64Array): number {
  let distinct = 1;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

function numbersOf(cells: string[]): number[] {
  const numbers: number[] = [];
  for (const cell of cells) {
    const value = parseNumeric(cell);
    if (!Number.isNaN(value)) numbers.push(value);
  }
  return numbers;
}

function mostCommon(levels: LevelCount[]): LevelCount[] {
  const byCount = (a: LevelCount, b: LevelCount) => b.count - a.count || (a.value < b.value ? -1 : 1);
  return levels.sort(byCount).slice(0, TOP_LEVELS);
}

/** A seeded sample of row indices without replacement, in table order. */
function sampleRowIndices(rowCount: number, sampleRows: number, seed: number): number[] {
  const rng = createRng(seed);
  const take = Math.min(rowCount, sampleRows);
  const rows = new Int32Array(rowCount);
  for (let i = 0; i < rowCount; i++) rows[i] = i;
  // The first `take` steps of a Fisher–Yates shuffle.
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rng() * (rowCount - i));
    const picked = rows[j] as number;
    rows[j] = rows[i] as number;
    rows[i] = picked;
  }
  return Array.from(rows.subarray(0, take)).sort((a, b) => a - b);
}
