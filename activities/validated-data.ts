import type { ValidatedData } from '../contracts/lifecycle-activities';
import type { ValidationReport } from '../data/validate';

/**
 * What the validate step hands on: the report's findings plus where the data and its profile are.
 * One mapping for the activity, the training benchmark and the tests that train without a workflow.
 */
export function validatedData(
  report: ValidationReport,
  files: { dataPath: string; dataSha256: string; profilePath: string },
): ValidatedData {
  return {
    ...files,
    rows: report.rows,
    target: report.target,
    positiveLabel: report.positiveLabel,
    negativeLabel: report.negativeLabel,
    idColumn: report.idColumn,
    inputs: report.inputs,
    classCounts: report.classCounts,
    missing: report.missing,
    categoryBlanks: report.categoryBlanks,
    warnings: report.warnings,
  };
}
