import type { ClassificationMetrics } from '../contracts';
import { scoreGbdtRows } from './gbdt/predict';
import { trainGbdtModel } from './gbdt/train';
import type { GbdtModel, GbdtParams } from './gbdt/types';
import { scoreRows } from './score-rows';
import type { SplitIndices } from './split';
import { trainLogisticModel, type TrainOptions } from './training';
import type { FeatureSpec, LogisticModel, RawTable } from './types';
import type { Calibration } from './calibration';
import { InvalidInputError } from '../core/errors';

// The train step's choice of algorithm. `auto` trains both on the same split and keeps the one with the
// higher validation ROC AUC: the metric the promotion gate and users rank versions by. Validation, not
// test: the test rows stay untouched until the chosen model is scored on them once.

export type Algorithm = 'logistic' | 'gbdt' | 'auto';

export interface ChosenTrainOptions extends TrainOptions {
  algorithm?: Algorithm;
  gbdt?: Partial<GbdtParams>;
}

interface Common {
  spec: FeatureSpec;
  threshold: number;
  split: SplitIndices;
  finalRows: number[];
  testProbabilities: number[];
  testLabels: number[];
  metrics: ClassificationMetrics;
  validationMetrics: ClassificationMetrics;
  params: Record<string, unknown>;
  /** Logistic only: the calibration fitted on validation, and why a threshold target was not met. */
  calibration?: Calibration;
  thresholdWarning?: string;
}

export type ChosenModel = Common &
  ({ algorithm: 'logistic'; model: LogisticModel } | { algorithm: 'gbdt'; model: GbdtModel });

export function trainChosenModel(table: RawTable, options: ChosenTrainOptions): ChosenModel {
  const { algorithm = 'logistic', gbdt, ...common } = options;
  const logisticOnly = (['calibration', 'thresholdObjective', 'classWeights'] as const).filter(
    (key) => common[key] !== undefined && !(key === 'calibration' && common.calibration === 'none'),
  );
  if (algorithm !== 'logistic' && logisticOnly.length > 0) {
    // The trees have no calibration, threshold objective or class weights of their own yet; said before
    // any fitting rather than silently dropped.
    throw new InvalidInputError(
      `${logisticOnly.join(', ')} ${logisticOnly.length === 1 ? 'applies' : 'apply'} to "algorithm": "logistic" only; ` +
        `leave ${logisticOnly.length === 1 ? 'it' : 'them'} out for "${algorithm}"`,
    );
  }
  const logistic = (): ChosenModel => {
    const fit = trainLogisticModel(table, common);
    return { ...fit, algorithm: 'logistic', params: { ...fit.params, algorithm: 'logistic' } };
  };
  const trees = (): ChosenModel => {
    const fit = trainGbdtModel(table, { ...common, ...(gbdt ? { params: gbdt } : {}) });
    return { ...fit, algorithm: 'gbdt', params: { ...fit.params, algorithm: 'gbdt' } };
  };
  if (algorithm === 'logistic') return logistic();
  if (algorithm === 'gbdt') return trees();
  const candidates = [logistic(), trees()];
  // Ties keep logistic: the simpler model.
  const [first, second] = candidates as [ChosenModel, ChosenModel];
  const chosen = second.validationMetrics.rocAuc > first.validationMetrics.rocAuc ? second : first;
  const validation = Object.fromEntries(
    candidates.map((c) => [
      c.algorithm,
      { rocAuc: c.validationMetrics.rocAuc, logLoss: c.validationMetrics.logLoss, testRocAuc: c.metrics.rocAuc },
    ]),
  );
  options.onProgress?.(
    `auto: kept ${chosen.algorithm} (validation ROC AUC logistic ${first.validationMetrics.rocAuc.toFixed(4)}, gbdt ${second.validationMetrics.rocAuc.toFixed(4)})`,
  );
  return { ...chosen, params: { ...chosen.params, autoChoice: { by: 'validation ROC AUC', candidates: validation } } };
}

/** The chosen model's probability for each of `rows` of `table` (drift baseline, checks). */
export function scoreChosenRows(chosen: ChosenModel, table: RawTable, rows: readonly number[]): Float64Array {
  return chosen.algorithm === 'logistic'
    ? scoreRows(chosen.spec, chosen.model, table, rows)
    : scoreGbdtRows(chosen.spec, chosen.model, table, rows);
}
