import { parseNumeric } from '../models/features';
import type { ColumnKind, InputColumn, RawTable } from '../models/types';
import type { DataProblem } from '../core/errors';

export interface SchemaOptions {
  target: string;
  idColumn?: string;
}

export interface InferredSchema {
  inputs: InputColumn[];
  problems: DataProblem[];
}

/**
 * Cells that mean "no value". Besides a blank cell, these are how pandas, R and SQL exports write a
 * missing value; the trainer parses them as NaN and imputes them, so they must not make a numeric
 * column look categorical.
 */
const MISSING_SPELLINGS = new Set(['', 'NaN', 'nan', 'NA', 'N/A', 'null']);

/** A column whose values are at least this share numbers is numeric; the rest are typos to report. */
export const MIN_NUMERIC_SHARE = 0.95;
/** Distinct wrong values reported one by one per column; the rest are summed up in one problem. */
const WRONG_VALUES_REPORTED = 10;

export function isMissingValue(cell: string): boolean {
  return MISSING_SPELLINGS.has(cell);
}

/** Every column but the target and the id, in CSV order, each numeric or categorical. */
export function inferInputColumns(table: RawTable, options: SchemaOptions): InferredSchema {
  const inputs: InputColumn[] = [];
  const problems: DataProblem[] = [];
  for (const name of table.header) {
    if (name === options.target || name === options.idColumn) continue;
    const cells = table.columns[name] ?? [];
    const kind = columnKind(cells);
    inputs.push({ name, kind });
    if (kind === 'numeric') problems.push(...wrongTypeProblems(name, cells));
  }
  return { inputs, problems };
}

function columnKind(cells: string[]): ColumnKind {
  // More non-numbers than this and the column cannot reach the numeric share: stop looking. (Rounded
  // up, so floating-point error in the product can only delay the shortcut, never take it wrongly.)
  const mostNonNumbers = Math.ceil(cells.length * (1 - MIN_NUMERIC_SHARE));
  let present = 0;
  let nonNumbers = 0;
  for (const cell of cells) {
    if (isMissingValue(cell)) continue;
    present++;
    if (Number.isNaN(parseNumeric(cell)) && ++nonNumbers > mostNonNumbers) return 'categorical';
  }
  if (present === 0) return 'categorical';
  return (present - nonNumbers) / present >= MIN_NUMERIC_SHARE ? 'numeric' : 'categorical';
}

/** One problem per distinct non-number in a numeric column, with how often and where it first occurs. */
function wrongTypeProblems(column: string, cells: string[]): DataProblem[] {
  const wrongValues = new Map<string, { count: number; firstRow: number }>();
  cells.forEach((cell, i) => {
    if (isMissingValue(cell) || !Number.isNaN(parseNumeric(cell))) return;
    const seen = wrongValues.get(cell);
    if (seen) seen.count++;
    else wrongValues.set(cell, { count: 1, firstRow: i + 1 });
  });
  const entries = [...wrongValues.entries()];
  const problems: DataProblem[] = entries.slice(0, WRONG_VALUES_REPORTED).map(([value, { count, firstRow }]) => ({
    code: 'wrong-type',
    column,
    row: firstRow,
    count,
    message:
      `Column '${column}' holds numbers, but row ${firstRow} has '${value}'` +
      (count > 1 ? ` (${count} rows have this value)` : '') +
      '. Correct it to a number, or leave the cell blank to have it imputed.',
  }));
  const rest = entries.slice(WRONG_VALUES_REPORTED);
  const [firstRest] = rest;
  if (firstRest) {
    const count = rest.reduce((sum, [, seen]) => sum + seen.count, 0);
    problems.push({
      code: 'wrong-type',
      column,
      row: firstRest[1].firstRow,
      count,
      message: `Column '${column}' has ${rest.length} more distinct non-numeric values in ${count} rows, the first '${firstRest[0]}' in row ${firstRest[1].firstRow}. Correct them to numbers or leave them blank.`,
    });
  }
  return problems;
}
