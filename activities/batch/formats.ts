import { extname } from 'node:path';
import type { TableFormat } from '../../contracts/batch-activities';
import { InvalidInputError } from '../../core/errors';
import { quoted } from '../data-roots';

/** The table format a path's extension names; anything but .csv and .parquet is refused. */
export function formatOf(path: string, field: string): TableFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.parquet' || extension === '.pq') return 'parquet';
  throw new InvalidInputError(`${field} ${quoted(path)} must end in .csv or .parquet (the format is read from it)`);
}

/** The columns batch scoring adds after every input column. */
export const OUTPUT_COLUMNS = ['prediction_probability', 'prediction_label', 'model_version'] as const;

/** Beside the output: `scores.csv` → `scores.rejects.csv`. */
export function rejectsPathOf(outputPath: string): string {
  const extension = extname(outputPath);
  return `${outputPath.slice(0, outputPath.length - extension.length)}.rejects.csv`;
}

export const REJECTS_HEADER = 'row,id,column,reason\n';
