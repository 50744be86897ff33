import { parseNumeric } from '../models/features';
import { targetLeakSuspects } from '../models/leakage';
import type { InputColumn, RawTable } from '../models/types';
import type { DataProblem } from '../core/errors';
import { EXCERPT_CHARS, printableExcerpt } from './excerpt';
import { featureBoundProblems, unservableColumnProblems, type FeatureBounds } from './feature-bounds';
import { inferInputColumns, isMissingValue } from './schema';

export interface ValidateOptions extends FeatureBounds {
  target: string;
  /** The class to predict; guessed from common spellings of "yes" when not given. */
  positiveLabel?: string;
  /** Defaults to 'customerID' when the table has it, else no id column. */
  idColumn?: string;
  minRowsPerClass?: number;
  /** Problems found while reading the file; any of them makes the report not ok. */
  readProblems?: DataProblem[];
}

/** Numeric cells with no value: the trainer imputes them, so they are counted, not problems. */
export interface MissingValues {
  column: string;
  count: number;
  exampleRow: number;
}

export interface ValidationReport {
  ok: boolean;
  rows: number;
  target: string;
  positiveLabel: string;
  negativeLabel: string;
  /** Rows per target value; when the target is not binary, only its 10 most common values. */
  classCounts: Record<string, number>;
  inputs: InputColumn[];
  idColumn: string | null;
  missing: MissingValues[];
  /** Blank cells of categorical columns: not imputed, the model learns them as a level of their own. */
  categoryBlanks: MissingValues[];
  problems: DataProblem[];
  /** Findings that do not stop training: target-leak suspects. */
  warnings: DataProblem[];
}

export const DEFAULT_MIN_ROWS_PER_CLASS = 20;
const DEFAULT_ID_COLUMN = 'customerID';
/** Tried in this order when no positive label is given. */
const POSITIVE_LABEL_GUESSES = ['Yes', 'yes', '1', 'true', 'True', 'TRUE', 'Y'];
const VALUES_LISTED = 10;

interface ValueStats {
  count: number;
  firstRow: number;
}

/** Checks a table is fit to train a binary classifier on; every finding is a problem, never a throw. */
export function validateTable(table: RawTable, options: ValidateOptions): ValidationReport {
  const { target } = options;
  const problems = [...(options.readProblems ?? []), ...unservableColumnProblems(table.header)];
  const idColumn = resolveIdColumn(table, options.idColumn, problems);
  const targetCells = table.columns[target];
  const labels = targetCells ? checkTarget(targetCells, options, problems) : missingTarget(table, target, problems);
  if (idColumn !== null) problems.push(...duplicateIdProblems(idColumn, table.columns[idColumn] ?? []));

  const schema = inferInputColumns(table, { target, idColumn: idColumn ?? undefined });
  problems.push(...schema.problems);
  for (const input of schema.inputs) problems.push(...constantColumnProblems(input, table.columns[input.name] ?? []));
  if (schema.inputs.length === 0) {
    const without = idColumn === null ? `target '${target}'` : `target '${target}' and id '${idColumn}'`;
    const message = `No input columns are left once ${without} are set aside; the file needs at least one feature column.`;
    problems.push({ code: 'no-features', message });
  }
  // A column of decimal-comma numbers reads as text; its distinct amounts are that one cause, not another problem.
  const decimalComma = new Set(problems.filter((p) => p.code === 'decimal-comma').map((p) => p.column));
  const boundedInputs = schema.inputs.filter((input) => !decimalComma.has(input.name));
  problems.push(...featureBoundProblems(table, boundedInputs, options));
  const warnings =
    problems.length === 0 && targetCells
      ? targetLeakSuspects(table, schema.inputs, positives(targetCells, labels))
      : [];

  return {
    ok: problems.length === 0,
    rows: table.rowCount,
    target,
    ...labels,
    inputs: schema.inputs,
    idColumn,
    missing: blankCells(table, schema.inputs, 'numeric'),
    categoryBlanks: blankCells(table, schema.inputs, 'categorical'),
    problems,
    warnings,
  };
}

/** 1 for rows of the positive class, else 0. */
function positives(targetCells: readonly string[], labels: Labels): Uint8Array {
  return Uint8Array.from(targetCells, (cell) => (cell === labels.positiveLabel ? 1 : 0));
}

function resolveIdColumn(table: RawTable, requested: string | undefined, problems: DataProblem[]): string | null {
  if (requested === undefined) return table.header.includes(DEFAULT_ID_COLUMN) ? DEFAULT_ID_COLUMN : null;
  if (table.header.includes(requested)) return requested;
  problems.push({
    code: 'missing-id-column',
    column: requested,
    message: `Id column '${requested}' is not in the file (columns: ${quoteList(table.header)}); pass an existing idColumn or none.`,
  });
  return null;
}

type Labels = Pick<ValidationReport, 'positiveLabel' | 'negativeLabel' | 'classCounts'>;

function missingTarget(table: RawTable, target: string, problems: DataProblem[]): Labels {
  problems.push({
    code: 'missing-target',
    column: target,
    message: `Target column '${target}' is not in the file.${didYouMean(target, table.header)} Columns found: ${quoteList(table.header)}. Pass the name of the column to predict.`,
  });
  return { positiveLabel: '', negativeLabel: '', classCounts: {} };
}

function checkTarget(cells: string[], options: ValidateOptions, problems: DataProblem[]): Labels {
  const { target, minRowsPerClass = DEFAULT_MIN_ROWS_PER_CLASS } = options;
  const { values, blank } = countValues(cells);
  if (blank.count > 0) {
    problems.push({
      code: 'blank-target',
      column: target,
      row: blank.firstRow,
      count: blank.count,
      message: `${rows(blank.count)} no value in target column '${target}', the first is row ${blank.firstRow}. Fill them in or remove those rows.`,
    });
  }
  const byCount = [...values.entries()].sort((a, b) => b[1].count - a[1].count);
  const classCounts = Object.fromEntries(byCount.slice(0, VALUES_LISTED).map(([value, { count }]) => [value, count]));
  const binary = values.size === 2;
  if (!binary) problems.push(notBinary(target, values));

  const positiveLabel = options.positiveLabel ?? POSITIVE_LABEL_GUESSES.find((label) => values.has(label));
  if (positiveLabel === undefined) {
    if (binary) {
      problems.push({
        code: 'positive-label-needed',
        column: target,
        message: `Cannot tell which value of target '${target}' is the positive class (values: ${quoteList([...values.keys()])}); pass positiveLabel.`,
      });
    }
    return { positiveLabel: '', negativeLabel: '', classCounts };
  }
  if (!values.has(positiveLabel)) {
    problems.push({
      code: 'unknown-positive-label',
      column: target,
      message: `positiveLabel '${positiveLabel}' never occurs in target '${target}' (values: ${quoteList(byCount.slice(0, VALUES_LISTED).map(([value]) => value))}); pass one of its values.`,
    });
    return { positiveLabel, negativeLabel: '', classCounts };
  }
  if (binary) {
    for (const [label, { count, firstRow }] of values) {
      if (count >= minRowsPerClass) continue;
      problems.push({
        code: 'too-few-rows-per-class',
        column: target,
        row: firstRow,
        count,
        message: `Class '${label}' of target '${target}' has only ${count} rows; at least ${minRowsPerClass} per class are needed to train and evaluate. Add rows of that class.`,
      });
    }
  }
  const negativeLabel = binary ? ([...values.keys()].find((label) => label !== positiveLabel) ?? '') : '';
  return { positiveLabel, negativeLabel, classCounts };
}

function notBinary(target: string, values: Map<string, ValueStats>): DataProblem {
  const listed = [...values.keys()].slice(0, VALUES_LISTED);
  const more = values.size > VALUES_LISTED ? ` and ${values.size - VALUES_LISTED} more` : '';
  // Point at the row that brings in the third value, the first one that breaks "two classes".
  const third = [...values.values()][2];
  return {
    code: 'target-not-binary',
    column: target,
    count: values.size,
    ...(third && { row: third.firstRow }),
    message: `Target '${target}' must have exactly two values but has ${values.size}: ${quoteList(listed)}${more}. Pick a yes/no column as the target or map its values to two classes.`,
  };
}

function duplicateIdProblems(column: string, cells: string[]): DataProblem[] {
  const firstRowOf = new Map<string, number>();
  let duplicates = 0;
  let firstDuplicate: { row: number; value: string; original: number } | null = null;
  let blanks = 0;
  let firstBlank = 0;
  for (const [i, id] of cells.entries()) {
    if (isMissingValue(id)) {
      if (blanks++ === 0) firstBlank = i + 1;
      continue;
    }
    const original = firstRowOf.get(id);
    if (original === undefined) firstRowOf.set(id, i + 1);
    else if (duplicates++ === 0) firstDuplicate = { row: i + 1, value: id, original };
  }
  const problems: DataProblem[] = [];
  if (firstDuplicate !== null) {
    const { row, value, original } = firstDuplicate;
    problems.push({
      code: 'duplicate-id',
      column,
      row,
      count: duplicates,
      message: `${rows(duplicates, 'repeats', 'repeat')} an id already seen in column '${column}'; the first is row ${row}, '${value}' as in row ${original}. Remove the duplicate rows, or pass another idColumn if this is not an id.`,
    });
  }
  if (blanks > 0) {
    problems.push({
      code: 'blank-id',
      column,
      row: firstBlank,
      count: blanks,
      message: `${rows(blanks)} no id in column '${column}', the first is row ${firstBlank}. Give every row an id.`,
    });
  }
  return problems;
}

/**
 * A numeric column with at most one distinct number is constant once blanks are imputed; in a
 * categorical column a blank is a level of its own, so blank and one value still vary.
 */
function constantColumnProblems(input: InputColumn, cells: string[]): DataProblem[] {
  const numeric = input.kind === 'numeric';
  let only: string | undefined;
  for (const cell of cells) {
    // Non-numbers in a numeric column are imputed like blanks (and reported as 'wrong-type').
    const value = numeric ? String(parseNumeric(cell)) : cell;
    if (value === 'NaN') continue;
    if (only === undefined) only = value;
    else if (value !== only) return [];
  }
  const column = input.name;
  const reason =
    only === undefined || only === ''
      ? `Column '${column}' is blank in every row`
      : `Column '${column}' has the same value '${only}' in every ${numeric ? 'non-blank ' : ''}row`;
  const message = `${reason}, so it cannot help predict anything. Remove it from the file.`;
  return [{ code: 'constant-column', column, row: 1, count: cells.length, message }];
}

/** Blank cells (empty or a missing spelling such as 'NA') per column of one kind. */
function blankCells(table: RawTable, inputs: InputColumn[], kind: InputColumn['kind']): MissingValues[] {
  const missing: MissingValues[] = [];
  for (const input of inputs) {
    if (input.kind !== kind) continue;
    const name = input.name;
    let count = 0;
    let exampleRow = 0;
    (table.columns[name] ?? []).forEach((cell, i) => {
      if (isMissingValue(cell) && count++ === 0) exampleRow = i + 1;
    });
    if (count > 0) missing.push({ column: name, count, exampleRow });
  }
  return missing;
}

function countValues(cells: string[]): { values: Map<string, ValueStats>; blank: ValueStats } {
  const values = new Map<string, ValueStats>();
  const blank = { count: 0, firstRow: 0 };
  cells.forEach((cell, i) => {
    if (isMissingValue(cell)) {
      if (blank.count++ === 0) blank.firstRow = i + 1;
      return;
    }
    const seen = values.get(cell);
    if (seen) seen.count++;
    else values.set(cell, { count: 1, firstRow: i + 1 });
  });
  return { values, blank };
}

/** The header's names that differ from the one asked for only in case or by a suffix ('Churned', 'churn'). */
function didYouMean(name: string, header: string[]): string {
  const wanted = name.toLowerCase();
  const close = header.filter((column) => {
    const candidate = column.toLowerCase();
    return candidate.length >= 3 && (candidate.includes(wanted) || wanted.includes(candidate));
  });
  return close.length > 0 ? ` Did you mean ${quoteList(close.slice(0, 3))}?` : '';
}

/** Names or values from the file, quoted: at most EXCERPT_CHARS in all, control characters escaped. */
function quoteList(values: string[]): string {
  if (values.length === 0) return '(none)';
  let list = '';
  for (const [i, value] of values.entries()) {
    const item = `${i === 0 ? '' : ', '}'${printableExcerpt(value, 60)}'`;
    if (list.length + item.length > EXCERPT_CHARS) return `${list} … and ${values.length - i} more`;
    list += item;
  }
  return list;
}

/** "1 row has" / "3 rows have": messages are read by people. */
function rows(count: number, singular = 'has', plural = 'have'): string {
  return count === 1 ? `1 row ${singular}` : `${count} rows ${plural}`;
}
