import { InvalidInputError } from '../core/errors';
import type {
  CategoricalFeature,
  FeatureSpec,
  InputColumn,
  Matrix,
  NumericFeature,
  RawRecord,
  RawTable,
} from './types';

// Plain decimal notation only: Number() would also accept '0x1f', 'Infinity' and '' (as 0), none of
// which a CSV cell or a client should be able to smuggle in as a number.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A raw cell as a number; anything blank, non-numeric or non-finite is NaN, meaning "missing". */
export function parseNumeric(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value !== 'string') return NaN;
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) return NaN;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : NaN;
}

/** Learns imputation, scaling and category levels from the given (training) rows only. */
export function fitFeatureSpec(table: RawTable, inputs: InputColumn[], rowIndices: number[]): FeatureSpec {
  const column = (name: string) => requireColumn(table, name);
  return {
    inputs: inputs.map((input) => ({ ...input })),
    numeric: inputs.filter((i) => i.kind === 'numeric').map((i) => fitNumeric(i.name, column(i.name), rowIndices)),
    categorical: inputs
      .filter((i) => i.kind === 'categorical')
      .map((i) => fitCategorical(i.name, column(i.name), rowIndices)),
  };
}

function fitNumeric(name: string, cells: string[], rowIndices: number[]): NumericFeature {
  const parsed = rowIndices.map((row) => parseNumeric(cells[row]));
  const present = parsed.filter((x) => !Number.isNaN(x));
  // An entirely blank column imputes 0: it then standardises to a constant 0 and carries no weight.
  const impute = present.length > 0 ? median(present) : 0;
  const values = parsed.map((x) => (Number.isNaN(x) ? impute : x));
  const mean = values.length > 0 ? values.reduce((sum, x) => sum + x, 0) / values.length : 0;
  const variance = values.length > 0 ? values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / values.length : 0;
  const std = Math.sqrt(variance);
  return { name, impute, mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
}

function fitCategorical(name: string, cells: string[], rowIndices: number[]): CategoricalFeature {
  const distinct = new Set(rowIndices.map((row) => cells[row] ?? ''));
  // Code-unit order, not localeCompare: the level order is the design-matrix (and ONNX) column order
  // and must not depend on the machine's locale.
  return { name, levels: [...distinct].sort() };
}

function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Number of design-matrix columns: one per numeric feature plus one per categorical level. */
export function designWidth(spec: FeatureSpec): number {
  return spec.numeric.length + spec.categorical.reduce((sum, f) => sum + f.levels.length, 0);
}

/** Human-readable design-matrix column names, e.g. `tenure` and `Contract=Two year`. */
export function designColumnNames(spec: FeatureSpec): string[] {
  return [
    ...spec.numeric.map((f) => f.name),
    ...spec.categorical.flatMap((f) => f.levels.map((level) => `${f.name}=${level}`)),
  ];
}

/** Cell storage of an encoded matrix: float32 halves the largest allocation of training (see Matrix). */
export type MatrixStorage = 'float64' | 'float32';

export function encodeTable(
  spec: FeatureSpec,
  table: RawTable,
  rowIndices: number[],
  storage: MatrixStorage = 'float64',
): Matrix {
  const columns = new Map(spec.inputs.map((input) => [input.name, requireColumn(table, input.name)]));
  return encodeRows(spec, rowIndices.length, (name, i) => columns.get(name)?.[rowIndices[i] as number], storage);
}

export function encodeRecords(spec: FeatureSpec, records: RawRecord[]): Matrix {
  return encodeRows(spec, records.length, (name, i) => ownField(records[i], name));
}

/**
 * A record's own field: a column named 'toString' or 'constructor' that a record lacks is missing,
 * not the function every object inherits under that name.
 */
export function ownField(record: RawRecord | undefined, name: string): unknown {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}

/** The single encoder behind both entry points, so training and serving rows cannot drift apart. */
function encodeRows(
  spec: FeatureSpec,
  rowCount: number,
  read: (column: string, row: number) => unknown,
  storage: MatrixStorage = 'float64',
): Matrix {
  const cols = designWidth(spec);
  const data = storage === 'float32' ? new Float32Array(rowCount * cols) : new Float64Array(rowCount * cols);
  const levelPositions = spec.categorical.map((f) => new Map(f.levels.map((level, position) => [level, position])));
  for (let row = 0; row < rowCount; row++) {
    let offset = row * cols;
    for (const feature of spec.numeric) {
      const x = parseNumeric(read(feature.name, row));
      data[offset++] = ((Number.isNaN(x) ? feature.impute : x) - feature.mean) / feature.std;
    }
    spec.categorical.forEach((feature, f) => {
      const category = categoryOf(read(feature.name, row));
      const position = category === undefined ? undefined : levelPositions[f]?.get(category);
      if (position !== undefined) data[offset + position] = 1;
      offset += feature.levels.length;
    });
  }
  return { rows: rowCount, cols, data };
}

/**
 * Categories compare as exact strings; an absent value is the blank level, as in a CSV. A number or
 * boolean reads as its CSV text; anything else (an object) matches no level and encodes as all zeros.
 */
export function categoryOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

function requireColumn(table: RawTable, name: string): string[] {
  const cells = Object.hasOwn(table.columns, name) ? table.columns[name] : undefined;
  if (!cells) throw new InvalidInputError(`Input column "${name}" is not in the table`);
  return cells;
}
