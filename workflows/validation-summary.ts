import type { ValidatedData } from '../contracts/lifecycle-activities';

// One line for the validate step's progress in the lifecycle workflow.

/** E.g. "7043 rows, 19 features, 11 blanks imputed, 3 category blanks kept as a level of their own". */
export function validationSummary(data: Pick<ValidatedData, 'rows' | 'inputs' | 'missing' | 'categoryBlanks'>): string {
  const total = (cells: { count: number }[] | undefined) => (cells ?? []).reduce((n, m) => n + m.count, 0);
  const categories = total(data.categoryBlanks);
  const kept =
    categories === 1 ? 'category blank kept as a level of its own' : 'category blanks kept as a level of their own';
  return `${data.rows} rows, ${data.inputs.length} features, ${total(data.missing)} blanks imputed, ${categories} ${kept}`;
}
