import { type FieldProblem, mergeProblems, schemaProblems, shown } from '../contracts/check';
import { MODEL_NAME_PATTERN } from '../contracts/common';
import { type MlLifecycleInput, MlLifecycleInputSchema } from '../contracts/lifecycle';
import { invalidInput } from './invalid-input';
import { releaseProblems } from './release-input';

/**
 * Fails fast, before any activity, on input that no retry could fix: the contract's schema first (a
 * string `"false"` for `deploy`, `-1` for `minRowsPerClass`, an object for `idColumn` are refused by
 * field), then the checks a schema cannot say. One non-retryable InvalidInputError names every field.
 * Without `schema` (runs started before the schema check) only the hand-written checks run.
 */
export function checkLifecycleInput(input: unknown, { schema = true } = {}): MlLifecycleInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidInput('mlLifecycle', [{ field: 'input', message: 'must be a JSON object' }]);
  }
  const candidate = withTextLabel(input as Record<string, unknown>);
  const fromSchema = schema ? schemaProblems(MlLifecycleInputSchema, candidate) : [];
  const problems = mergeProblems([...lifecycleProblems(candidate), ...releaseProblems(candidate)], fromSchema);
  if (problems.length > 0) throw invalidInput('mlLifecycle', problems);
  return candidate as MlLifecycleInput;
}

/**
 * A number as `positiveLabel` (`1` for a 0/1 target) means its decimal string: CSV values are text, so
 * the number would otherwise match no class.
 */
export function withTextLabel<T extends Record<string, unknown>>(input: T): T {
  const { positiveLabel } = input;
  return typeof positiveLabel === 'number' && Number.isFinite(positiveLabel)
    ? { ...input, positiveLabel: String(positiveLabel) }
    : input;
}

/** The checks with messages finer than the schema's. */
function lifecycleProblems(candidate: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { modelName, dataUri, algorithm } = candidate;
  if (typeof modelName !== 'string' || !MODEL_NAME_PATTERN.test(modelName)) {
    problems.push({
      field: 'modelName',
      message: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    });
  }
  if (typeof dataUri !== 'string' || dataUri.trim() === '') {
    problems.push({ field: 'dataUri', message: 'must be the path or file:// URI of a CSV file' });
  }
  if (algorithm !== undefined && algorithm !== 'logistic' && algorithm !== 'gbdt' && algorithm !== 'auto') {
    problems.push({ field: 'algorithm', message: `must be "logistic", "gbdt" or "auto", got ${shown(algorithm)}` });
  }
  return problems;
}
