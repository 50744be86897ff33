import Papa from 'papaparse';
import type { RawRecord } from '../../models/types';
import { MLFLOW_INPUT_FIELDS, type MlflowInputField } from '../../contracts/mlflow-scoring';
import { clip, describeValue, quoted } from '../echo';
import { invalidRequest } from '../problems';

// MLflow request bodies turned into records by column name, the shape /predict scores. Records built
// from arrays have no prototype, so a column named "__proto__" or "constructor" is plain data.

export interface MlflowRequest {
  records: RawRecord[];
  /** MLflow's `params` (model and version choice may be given there). */
  params: Record<string, unknown> | undefined;
}

const FIELD_LIST = MLFLOW_INPUT_FIELDS.map((field) => `"${field}"`).join(', ');

/** The records of a JSON body in any of MLflow's four input fields. */
export function mlflowJsonRequest(body: unknown, maxRecords: number): MlflowRequest {
  if (!isObject(body))
    refuse(null, null, `the body must be a JSON object with one of ${FIELD_LIST}; got ${describeValue(body)}`);
  const present = MLFLOW_INPUT_FIELDS.filter((field) => Object.hasOwn(body, field));
  const unknown = Object.keys(body).filter(
    (key) => key !== 'params' && !(MLFLOW_INPUT_FIELDS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    refuse(
      null,
      clip(unknown[0] as string),
      `unknown field ${quoted(unknown[0] as string)}: the body takes one of ${FIELD_LIST} and optional "params"`,
    );
  }
  if (present.length !== 1) {
    const got = present.length === 0 ? 'none' : present.map((field) => `"${field}"`).join(' and ');
    refuse(null, null, `the body must hold exactly one of ${FIELD_LIST}; got ${got}`);
  }
  const field = present[0] as MlflowInputField;
  const params = body.params;
  if (params !== undefined && !isObject(params))
    refuse(null, 'params', `"params" must be an object, got ${describeValue(params)}`);
  const records = recordsOf(field, body[field]);
  checkCount(records.length, field, maxRecords);
  return { records, params };
}

/**
 * The records of a CSV body with a header row, as MLflow takes `text/csv`. Cells stay text (trimmed,
 * as the training CSV reader trims them); the route types them by the model's columns.
 */
export function mlflowCsvRecords(text: string, maxRecords: number): RawRecord[] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const [header, ...rows] = parsed.data;
  if (!header || header.length === 0)
    refuse(null, null, 'the CSV body is empty; send a header row and one row per record');
  const columns = header.map((name) => name.trim());
  checkColumns(columns, 'header');
  const broken = parsed.errors.find((error) => error.row !== undefined && error.row > 0);
  if (broken) refuse((broken.row as number) - 1, null, `CSV row ${(broken.row as number) - 1}: ${broken.message}`);
  checkCount(rows.length, 'CSV', maxRecords);
  return rows.map((cells, row) => {
    if (cells.length !== columns.length) {
      refuse(row, null, `CSV row ${row} has ${cells.length} cells; the header has ${columns.length} columns`);
    }
    return recordOf(
      columns,
      cells.map((cell) => cell.trim()),
    );
  });
}

function recordsOf(field: MlflowInputField, value: unknown): RawRecord[] {
  if (field === 'dataframe_split') return splitRecords(value);
  if (Array.isArray(value)) return value as RawRecord[]; // each checked as an object, by row, with the columns
  if (field === 'inputs' && isObject(value)) return columnRecords(value);
  const shapes = field === 'inputs' ? 'a list of records or an object of equal-length columns' : 'a list of records';
  return refuse(null, field, `"${field}" must be ${shapes}; got ${describeValue(value)}`);
}

/** `{"columns": [...], "data": [[...], ...], "index"?: [...]}`, pandas' orient="split". */
function splitRecords(split: unknown): RawRecord[] {
  if (!isObject(split))
    refuse(
      null,
      'dataframe_split',
      `"dataframe_split" must be an object {"columns", "data"}; got ${describeValue(split)}`,
    );
  const { columns, data, index } = split;
  if (!Array.isArray(columns) || !columns.every((name) => typeof name === 'string' && name !== '')) {
    refuse(
      null,
      'dataframe_split.columns',
      `"dataframe_split.columns" must be a list of column names; got ${describeValue(columns)}`,
    );
  }
  checkColumns(columns as string[], 'dataframe_split.columns');
  if (!Array.isArray(data))
    refuse(null, 'dataframe_split.data', `"dataframe_split.data" must be a list of rows; got ${describeValue(data)}`);
  if (index !== undefined && (!Array.isArray(index) || index.length !== data.length)) {
    refuse(
      null,
      'dataframe_split.index',
      `"dataframe_split.index" must be a list with one label per row (${data.length})`,
    );
  }
  return data.map((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      const got = Array.isArray(row) ? `${row.length} values` : describeValue(row);
      refuse(
        i,
        null,
        `row ${i} of "dataframe_split.data" must be a list of ${columns.length} values, one per column; got ${got}`,
      );
    }
    return recordOf(columns as string[], row as unknown[]);
  });
}

/** `{"col": [v0, v1, ...], ...}`: MLflow's columnar `inputs`. */
function columnRecords(columns: Record<string, unknown>): RawRecord[] {
  const names = Object.keys(columns);
  const lengths = names.map((name) => {
    const values = columns[name];
    if (!Array.isArray(values))
      refuse(
        null,
        clip(name),
        `column ${quoted(name)} of "inputs" must be a list of values; got ${describeValue(values)}`,
      );
    return values.length;
  });
  const rows = lengths[0] ?? 0;
  const uneven = names.findIndex((_, i) => lengths[i] !== rows);
  if (uneven >= 0) {
    const name = names[uneven] as string;
    refuse(
      null,
      clip(name),
      `column ${quoted(name)} of "inputs" has ${lengths[uneven]} values, column ${quoted(names[0] as string)} ${rows}: columns must be equally long`,
    );
  }
  return Array.from({ length: rows }, (_, row) =>
    recordOf(
      names,
      names.map((name) => (columns[name] as unknown[])[row]),
    ),
  );
}

function recordOf(columns: readonly string[], values: readonly unknown[]): RawRecord {
  const record = Object.create(null) as RawRecord;
  columns.forEach((name, i) => (record[name] = values[i]));
  return record;
}

function checkColumns(columns: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name)) refuse(null, clip(name), `column ${quoted(name)} appears twice in the ${where}`);
    seen.add(name);
  }
}

function checkCount(rows: number, what: string, maxRecords: number): void {
  if (rows === 0) refuse(null, null, `the ${what} input holds no rows; send at least one`);
  if (rows > maxRecords) refuse(null, null, `the ${what} input holds ${rows} rows; at most ${maxRecords} per request`);
}

function refuse(row: number | null, field: string | null, message: string): never {
  throw invalidRequest(row, field, message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
