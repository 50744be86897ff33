import { categoryOf, designWidth, ownField, parseNumeric } from '../features';
import type { FeatureSpec, Matrix, NumericFeature, RawRecord, RawTable } from '../types';

// What the trees see of a row: the logistic model's design matrix (features.ts column order) with two
// differences, both so that a comparison in the trees gives the same answer as in the exported ONNX graph:
// a missing numeric stays NaN (the trees learn where it goes instead of imputing), and a number is first
// rounded to float32, as the graph's float32 input is, before it is standardised in double.

/** A numeric cell as the trees compare it: NaN when missing, else (float32(x) − mean) / std in double. */
export function treeValue(feature: NumericFeature, raw: unknown): number {
  const x = parseNumeric(raw);
  return Number.isNaN(x) ? NaN : (Math.fround(x) - feature.mean) / feature.std;
}

/** Tree inputs of `rowIndices` of `table`, one row per index. */
export function encodeTreeInputs(spec: FeatureSpec, table: RawTable, rowIndices: readonly number[]): Matrix {
  const columns = new Map(spec.inputs.map((input) => [input.name, table.columns[input.name] ?? []]));
  return encode(spec, rowIndices.length, (name, i) => columns.get(name)?.[rowIndices[i] as number]);
}

/** Tree inputs of raw records, as a scoring client sends them. */
export function encodeTreeRecords(spec: FeatureSpec, records: readonly RawRecord[]): Matrix {
  return encode(spec, records.length, (name, i) => ownField(records[i], name));
}

function encode(spec: FeatureSpec, rowCount: number, read: (column: string, row: number) => unknown): Matrix {
  const cols = designWidth(spec);
  const data = new Float64Array(rowCount * cols);
  const levelPositions = spec.categorical.map((f) => new Map(f.levels.map((level, position) => [level, position])));
  for (let row = 0; row < rowCount; row++) {
    let offset = row * cols;
    for (const feature of spec.numeric) data[offset++] = treeValue(feature, read(feature.name, row));
    spec.categorical.forEach((feature, f) => {
      const category = categoryOf(read(feature.name, row));
      const position = category === undefined ? undefined : levelPositions[f]?.get(category);
      if (position !== undefined) data[offset + position] = 1;
      offset += feature.levels.length;
    });
  }
  return { rows: rowCount, cols, data };
}
