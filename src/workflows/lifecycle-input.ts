import { ApplicationFailure } from '@temporalio/workflow';
import type { MlLifecycleInput } from './lifecycle-types';

export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Fails fast, before any activity, on input that no retry could fix. */
export function checkLifecycleInput(input: unknown): MlLifecycleInput {
  const problems: string[] = [];
  const candidate = (input ?? {}) as Partial<MlLifecycleInput>;
  if (typeof input !== 'object' || input === null) problems.push('input must be a JSON object');
  if (typeof candidate.modelName !== 'string' || !MODEL_NAME_PATTERN.test(candidate.modelName)) {
    problems.push('modelName must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  if (typeof candidate.dataUri !== 'string' || candidate.dataUri.trim() === '') {
    problems.push('dataUri must be the path or file:// URI of a CSV file');
  }
  if (candidate.algorithm === 'gbdt') {
    problems.push('algorithm "gbdt" is not available yet; use "logistic" or "auto"');
  } else if (
    candidate.algorithm !== undefined &&
    candidate.algorithm !== 'logistic' &&
    candidate.algorithm !== 'auto'
  ) {
    problems.push(`algorithm must be "logistic" or "auto", got ${JSON.stringify(candidate.algorithm)}`);
  }
  for (const key of ['seed', 'minRowsPerClass', 'minRocAuc'] as const) {
    const value = candidate[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      problems.push(`${key} must be a number`);
    }
  }
  for (const key of ['maxCategories', 'maxFeatures'] as const) {
    const value = candidate[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) {
      problems.push(`${key} must be a whole number of at least 1`);
    }
  }
  if (problems.length > 0) {
    throw ApplicationFailure.create({
      message: `invalid mlLifecycle input: ${problems.join('; ')}`,
      type: 'InvalidInputError',
      nonRetryable: true,
      details: [{ problems }],
    });
  }
  return candidate as MlLifecycleInput;
}
