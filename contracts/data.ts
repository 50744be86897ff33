/** How one raw CSV column is read. Numbers are `numeric`; anything else is `categorical`. */
export type ColumnKind = 'numeric' | 'categorical';

/** One raw input column of the model, in CSV order (target and id column excluded). */
export interface InputColumn {
  name: string;
  kind: ColumnKind;
}

/** One problem found in a data set: its code, where (column, example row), how often, and what. */
export interface DataProblem {
  code: string;
  column?: string;
  row?: number;
  count?: number;
  message: string;
}
