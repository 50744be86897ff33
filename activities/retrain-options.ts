import type { ModelVersionRecord } from '../registry/types';
import { Value } from 'typebox/value';
import { ClassWeightsOption, PromotionRule, ThresholdObjective, type MlLifecycleInput } from '../contracts';
import type { GbdtOptions } from '../contracts';
import type { RetrainOptions } from '../contracts/monitor-activities';

/**
 * The `mlLifecycle` options a version was trained with, as the registry stores them: target and
 * positive label in their columns, the rest in `params`. Versions registered before the gate options
 * were stored lack `minRocAuc` and `minRowsPerClass`; the lifecycle's defaults then apply.
 */
export function retrainOptionsOf(record: ModelVersionRecord): RetrainOptions {
  const { params } = record;
  const number = (key: string): number | undefined => {
    const value = params[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const seed = number('seed');
  const minRocAuc = number('minRocAuc');
  const minRowsPerClass = number('minRowsPerClass');
  const algorithm = algorithmOf(params.requestedAlgorithm);
  const gbdt = gbdtOptionsOf(params.gbdt);
  return {
    fromVersion: record.version,
    target: record.target,
    positiveLabel: record.positiveLabel,
    ...(typeof params.idColumn === 'string' ? { idColumn: params.idColumn } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(minRocAuc !== undefined ? { minRocAuc } : {}),
    ...(minRowsPerClass !== undefined ? { minRowsPerClass } : {}),
    ...(algorithm ? { algorithm } : {}),
    ...trainingChoicesOf(params),
    ...(gbdt ? { gbdt } : {}),
    ...(Value.Check(PromotionRule, params.promotion) ? { promotion: params.promotion } : {}),
  };
}

/** Calibration, threshold objective and class weights as training recorded them (absent before they existed). */
function trainingChoicesOf(params: Record<string, unknown>): Partial<RetrainOptions> {
  const choices: Partial<RetrainOptions> = {};
  const calibration = (params.calibration as { method?: unknown } | undefined)?.method;
  if (calibration === 'platt' || calibration === 'isotonic') choices.calibration = calibration;
  if (Value.Check(ThresholdObjective, params.thresholdObjective))
    choices.thresholdObjective = params.thresholdObjective;
  const weights = (params.classWeights as { requested?: unknown } | null | undefined)?.requested;
  if (Value.Check(ClassWeightsOption, weights)) choices.classWeights = weights;
  return choices;
}

function algorithmOf(value: unknown): MlLifecycleInput['algorithm'] | undefined {
  return value === 'logistic' || value === 'auto' || value === 'gbdt' ? value : undefined;
}

const GBDT_KEYS = [
  'learningRate',
  'maxLeaves',
  'maxDepth',
  'minSamplesLeaf',
  'l2',
  'maxIterations',
  'earlyStoppingRounds',
] as const satisfies readonly (keyof GbdtOptions)[];

/** The tree settings a gbdt version was trained with (its params.gbdt), so its retrain grows the same trees. */
function gbdtOptionsOf(value: unknown): GbdtOptions | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stored = value as Record<string, unknown>;
  const options = Object.fromEntries(
    GBDT_KEYS.filter((key) => typeof stored[key] === 'number' && Number.isFinite(stored[key])).map((key) => [
      key,
      stored[key],
    ]),
  );
  return Object.keys(options).length > 0 ? options : undefined;
}
