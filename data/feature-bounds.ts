import type { InputColumn, RawTable } from '../models/types';
import type { DataProblem } from '../core/errors';

// Bounds on the design matrix, checked before training. One-hot encoding gives a column per level;
// the matrix is dense (rows × features doubles) and a Newton step costs rows × features² for numeric
// columns plus features³ for the solve, so a free-text or id column (thousands of levels) or a very
// wide file would hold a worker for hours. Measured on the 2-core development machine: Telco makes 46
// features; 3,000 Telco rows plus 480 numeric columns train in about 2 minutes, plus 950 in about 5,
// plus 1,980 in over 20.

/** Levels (distinct values, blank included) one categorical column may have: every country fits. */
export const DEFAULT_MAX_CATEGORIES = 300;
/** Design-matrix columns in all: one per numeric column plus one per categorical level. */
export const DEFAULT_MAX_FEATURES = 500;
/** A categorical column with a distinct value on at least this share of its non-blank rows is an id. */
const ID_LIKE_SHARE = 0.95;
/** Below this many rows, "a distinct value per row" is no evidence of an id. */
const ID_LIKE_MIN_ROWS = 50;
const COLUMNS_LISTED = 10;

export interface FeatureBounds {
  maxCategories?: number;
  maxFeatures?: number;
}

/** A column literally named like this cannot be sent as a JSON field to the scoring server. */
const UNSERVABLE_COLUMN_NAMES = new Set(['__proto__']);

/** Column names the scoring server could never receive: refused before anything is trained. */
export function unservableColumnProblems(header: readonly string[]): DataProblem[] {
  return header
    .filter((name) => UNSERVABLE_COLUMN_NAMES.has(name))
    .map((column) => ({
      code: 'reserved-column-name',
      column,
      message: `Column '${column}' cannot be used: JSON bodies with a '${column}' key are refused by the scoring server (it is a JavaScript prototype key), so the model could never be served. Rename the column.`,
    }));
}

/** Problems when a categorical column has too many levels, looks like an id, or the design matrix is too wide. */
export function featureBoundProblems(
  table: RawTable,
  inputs: readonly InputColumn[],
  bounds: FeatureBounds = {},
): DataProblem[] {
  const { maxCategories = DEFAULT_MAX_CATEGORIES, maxFeatures = DEFAULT_MAX_FEATURES } = bounds;
  const problems: DataProblem[] = [];
  const widths: { column: string; width: number }[] = [];
  for (const input of inputs) {
    const cells = table.columns[input.name] ?? [];
    if (input.kind === 'numeric') {
      widths.push({ column: input.name, width: 1 });
      continue;
    }
    const { levels, present, distinctPresent } = countLevels(cells);
    // A column refused below is not counted again in the total: one cause, one problem.
    if (present >= ID_LIKE_MIN_ROWS && distinctPresent >= ID_LIKE_SHARE * present) {
      problems.push({
        code: 'id-like-column',
        column: input.name,
        count: distinctPresent,
        message: `Column '${input.name}' has ${distinctPresent} distinct values in ${present} non-blank rows: it looks like an id. Pass it as idColumn or drop it; as a feature it would only memorise rows.`,
      });
    } else if (levels > maxCategories) {
      problems.push({
        code: 'too-many-categories',
        column: input.name,
        count: levels,
        message: `Column '${input.name}' has ${levels} distinct values, over the limit of ${maxCategories} per categorical column (one-hot encoding makes a feature of each). Group rare values, drop the column, or raise maxCategories.`,
      });
    } else {
      widths.push({ column: input.name, width: levels });
    }
  }
  const total = widths.reduce((sum, { width }) => sum + width, 0);
  if (total > maxFeatures) {
    const widest = [...widths].sort((a, b) => b.width - a.width).slice(0, COLUMNS_LISTED);
    const numeric = inputs.filter((input) => input.kind === 'numeric').length;
    problems.push({
      code: 'too-many-features',
      count: total,
      message: `The data makes ${total} model features (${numeric} numeric columns plus one per category level), over the limit of ${maxFeatures}. Widest columns: ${widest.map(({ column, width }) => `'${column}' (${width})`).join(', ')}. Drop columns or raise maxFeatures.`,
    });
  }
  return problems;
}

/** Levels as training one-hot encodes them (blank is a level), and the distinct non-blank values. */
function countLevels(cells: readonly string[]): { levels: number; present: number; distinctPresent: number } {
  const distinct = new Set<string>();
  let blanks = 0;
  for (const cell of cells) {
    if (cell === '') blanks++;
    else distinct.add(cell);
  }
  return {
    levels: distinct.size + (blanks > 0 ? 1 : 0),
    present: cells.length - blanks,
    distinctPresent: distinct.size,
  };
}
