import type { FeatureSpec } from '../../models/types';

// Request bodies of the three protocols built from the same rows of text cells (as a CSV holds them),
// the way each protocol's clients build them: typed values where the protocol has types.

export type TextRow = Record<string, string>;

/** A cell as a typed client sends it: numbers for numeric columns (null when blank), text otherwise. */
function typed(spec: FeatureSpec, name: string, cell: string): string | number | null {
  const numeric = spec.inputs.some((input) => input.name === name && input.kind === 'numeric');
  if (!numeric) return cell;
  return cell.trim() === '' ? null : Number(cell);
}

/** pandas' `DataFrame.to_json(orient="split")` of the rows, the body MLflow's client sends. */
export function dataframeSplit(spec: FeatureSpec, rows: TextRow[]) {
  const columns = Object.keys(rows[0] ?? {});
  return {
    dataframe_split: {
      columns,
      index: rows.map((_, i) => i),
      data: rows.map((row) => columns.map((name) => typed(spec, name, row[name] ?? ''))),
    },
  };
}

export function typedRecords(spec: FeatureSpec, rows: TextRow[]) {
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([name, cell]) => [name, typed(spec, name, cell)])),
  );
}

/** MLflow's columnar `inputs`: one list per column. */
export function columnarInputs(spec: FeatureSpec, rows: TextRow[]) {
  const columns = Object.keys(rows[0] ?? {});
  return {
    inputs: Object.fromEntries(columns.map((name) => [name, rows.map((row) => typed(spec, name, row[name] ?? ''))])),
  };
}

/** An Open Inference Protocol request in JSON: FP64 numerics (null when blank), BYTES categories. */
export function v2Json(spec: FeatureSpec, rows: TextRow[], extra: Record<string, unknown> = {}) {
  return {
    ...extra,
    inputs: spec.inputs.map(({ name, kind }) => ({
      name,
      shape: [rows.length, 1],
      datatype: kind === 'numeric' ? 'FP64' : 'BYTES',
      data: rows.map((row) => [typed(spec, name, row[name] ?? '')]),
    })),
  };
}

/**
 * The same request with the binary tensor data extension, as tritonclient sends it by default: the
 * JSON (with `binary_data_size` per input) and then each tensor's bytes; a blank number is NaN.
 */
export function v2Binary(spec: FeatureSpec, rows: TextRow[]): { body: Buffer; jsonLength: number } {
  const tensors = spec.inputs.map(({ name, kind }) => {
    const cells = rows.map((row) => row[name] ?? '');
    if (kind === 'numeric') {
      const values = new Float64Array(cells.map((cell) => (cell.trim() === '' ? NaN : Number(cell))));
      return { name, datatype: 'FP64', bytes: Buffer.from(values.buffer) };
    }
    const parts = cells.flatMap((cell) => {
      const text = Buffer.from(cell, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(text.length);
      return [length, text];
    });
    return { name, datatype: 'BYTES', bytes: Buffer.concat(parts) };
  });
  const json = Buffer.from(
    JSON.stringify({
      inputs: tensors.map(({ name, datatype, bytes }) => ({
        name,
        datatype,
        shape: [rows.length],
        parameters: { binary_data_size: bytes.length },
      })),
    }),
  );
  return { body: Buffer.concat([json, ...tensors.map((tensor) => tensor.bytes)]), jsonLength: json.length };
}
