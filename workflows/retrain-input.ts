import type { RetrainOptions } from '../contracts/monitor-activities';
import type { FieldProblem } from '../contracts/check';
import type { MlLifecycleInput } from '../contracts/lifecycle';
import type { RetrainOverrides } from '../contracts/retrain';

const OVERRIDE_KEYS = [
  'target',
  'positiveLabel',
  'idColumn',
  'seed',
  'minRocAuc',
  'minRowsPerClass',
  'algorithm',
  'gbdt',
  'deploy',
  'calibration',
  'thresholdObjective',
  'classWeights',
  'promotion',
] as const satisfies readonly (keyof RetrainOverrides)[];

/**
 * The retrain's `mlLifecycle` input: the options the replaced version was trained with, then the
 * caller's overrides. A new target drops the stored positive label, which named a class of the old one.
 */
export function retrainLifecycleInput(
  modelName: string,
  dataUri: string,
  stored: RetrainOptions | null,
  overrides: RetrainOverrides = {},
): MlLifecycleInput {
  const { fromVersion: _fromVersion, ...reused } = stored ?? { fromVersion: 0 };
  const given = Object.fromEntries(
    OVERRIDE_KEYS.filter((key) => overrides[key] !== undefined).map((key) => [key, overrides[key]]),
  ) as RetrainOverrides;
  const newTarget = given.target !== undefined && given.target !== reused.target;
  if (newTarget && given.positiveLabel === undefined) delete reused.positiveLabel;
  // Tree settings merge one by one: overriding maxLeaves keeps the version's learning rate.
  const gbdt = reused.gbdt && given.gbdt ? { gbdt: { ...reused.gbdt, ...given.gbdt } } : {};
  return { ...reused, ...given, ...gbdt, modelName, dataUri };
}

/**
 * The overrides of a workflow input, checked by hand for messages finer than the schema's; the
 * contract's schema (contracts/retrain.ts) checks the rest.
 */
export function overrideProblems(overrides: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const key of ['target', 'positiveLabel', 'idColumn'] as const) {
    const value = overrides[key];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      problems.push({ field: key, message: 'must be a non-empty string' });
    }
  }
  for (const key of ['seed', 'minRocAuc', 'minRowsPerClass'] as const) {
    const value = overrides[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      problems.push({ field: key, message: 'must be a number' });
    }
  }
  if (overrides.deploy !== undefined && typeof overrides.deploy !== 'boolean')
    problems.push({ field: 'deploy', message: 'must be true or false' });
  const { algorithm } = overrides;
  if (algorithm !== undefined && algorithm !== 'logistic' && algorithm !== 'auto' && algorithm !== 'gbdt') {
    problems.push({
      field: 'algorithm',
      message: `must be "logistic", "gbdt" or "auto", got ${JSON.stringify(algorithm)}`,
    });
  }
  return problems;
}
