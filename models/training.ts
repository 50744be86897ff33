import { InvalidInputError } from '../core/errors';
import { encodeTable, fitFeatureSpec } from './features';
import { scoreRows } from './score-rows';
import { DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, fitLogistic } from './logistic';
import type { ClassWeights, LogisticFit } from './logistic';
import { classificationMetrics, logLoss } from './metrics';
import { applyCalibration, fitCalibration } from './calibration';
import type { Calibration, CalibrationMethod } from './calibration';
import { chooseThreshold, DEFAULT_THRESHOLD_OBJECTIVE } from './thresholds';
import type { ThresholdObjective } from './thresholds';
import type { ClassWeightsOption } from '../contracts/lifecycle';
import { stratifiedSplit } from './split';
import type { SplitFractions, SplitIndices } from './split';
import type { FeatureSpec, InputColumn, LogisticModel, Matrix, RawTable } from './types';
import type { ClassificationMetrics } from '../contracts';

export const DEFAULT_L2_GRID = [0.01, 0.1, 1, 10, 100];
export const DEFAULT_FRACTIONS: SplitFractions = { train: 0.6, validation: 0.2, test: 0.2 };

export interface TrainOptions {
  target: string;
  positiveLabel: string;
  inputs: InputColumn[];
  seed: number;
  l2Grid?: number[];
  fractions?: SplitFractions;
  /** Newton's stopping rule, passed to every fit (defaults those of fitLogistic). */
  maxIterations?: number;
  tolerance?: number;
  /** Calibration fitted on the validation rows and applied to every probability after (default none). */
  calibration?: CalibrationMethod;
  /** What the threshold is chosen for on the validation rows (default the best F1). */
  thresholdObjective?: ThresholdObjective;
  /** Class weights in the log loss of every fit (default none); 'balanced' is computed on each fit's rows. */
  classWeights?: ClassWeightsOption;
  /** Short human-readable progress messages, one per stage (fed to a Temporal heartbeat). */
  onProgress?: (message: string) => void;
}

export interface FittedModel {
  spec: FeatureSpec;
  model: LogisticModel;
  l2: number;
  threshold: number;
  /** Fitted on the validation rows; testProbabilities and metrics are calibrated by it. */
  calibration?: Calibration;
  /** Set when a target precision could not be reached on validation, saying which threshold was taken. */
  thresholdWarning?: string;
  iterations: number;
  converged: boolean;
  split: SplitIndices;
  /** Train and validation rows, ascending: the rows the final model was fitted on. */
  finalRows: number[];
  testProbabilities: number[];
  testLabels: number[];
  /** On the held-out test rows, scored by the model refitted on train + validation. */
  metrics: ClassificationMetrics;
  /** On the validation rows, scored by the train-only model with the chosen l2. */
  validationMetrics: ClassificationMetrics;
  params: Record<string, unknown>;
}

/** Newton's method stopped before the gradient reached the tolerance: the model would be unreliable. */
export class ConvergenceError extends Error {
  override readonly name = 'ConvergenceError';
}

/**
 * Trains a churn-style binary classifier: stratified split, l2 chosen by validation log loss,
 * threshold chosen by validation F1, then a refit on train + validation scored once on test.
 */
export function trainLogisticModel(table: RawTable, options: TrainOptions): FittedModel {
  const { seed, l2Grid = DEFAULT_L2_GRID, fractions = DEFAULT_FRACTIONS } = options;
  const { maxIterations = DEFAULT_MAX_ITERATIONS, tolerance = DEFAULT_TOLERANCE } = options;
  const progress = options.onProgress ?? (() => undefined);
  if (l2Grid.length === 0 || !l2Grid.every((l2) => Number.isFinite(l2) && l2 >= 0)) {
    throw new InvalidInputError(`l2Grid must hold at least one finite value >= 0, got [${l2Grid.join(', ')}]`);
  }
  const labels = labelsOf(table, options.target, options.positiveLabel);
  const prepare = (rows: number[]) => {
    const spec = fitFeatureSpec(table, options.inputs, rows);
    return { spec, X: encodeTable(spec, table, rows, 'float32'), y: pick(labels, rows) };
  };
  const fitOn = ({ X, y }: { X: Matrix; y: Uint8Array }, l2: number, what: string) => {
    const classWeights = classWeightsFor(options.classWeights, y);
    const fit = fitLogistic(X, y, { l2, maxIterations, tolerance, ...(classWeights ? { classWeights } : {}) });
    return { ...requireConverged(fit, `l2=${l2} on the ${what} rows`), classWeights };
  };
  const score = (spec: FeatureSpec, model: LogisticModel, rows: number[]) =>
    Array.from(scoreRows(spec, model, table, rows));

  const split = stratifiedSplit(labels, fractions, seed);
  progress(
    `Split ${table.rowCount} rows: ${split.train.length} train, ${split.validation.length} validation, ${split.test.length} test`,
  );

  const validationY = Array.from(pick(labels, split.validation));
  // The train-only design matrix lives only inside this call, so it is garbage before the (larger)
  // train + validation one is built: at a million rows each takes 100-150 MB.
  const search = withPrepared(prepare(split.train), (training) =>
    l2Grid.map((l2) => {
      const fit = fitOn(training, l2, 'training');
      const probabilities = score(training.spec, fit, split.validation);
      const validationLogLoss = logLoss(validationY, probabilities);
      progress(`l2=${l2}: validation log loss ${validationLogLoss.toFixed(4)} after ${fit.iterations} Newton steps`);
      return { l2, validationLogLoss, iterations: fit.iterations, probabilities };
    }),
  );
  const best = search.reduce((a, b) => (b.validationLogLoss < a.validationLogLoss ? b : a));
  // Calibration and threshold both come from the validation rows scored by the train-only model; the
  // test rows are only ever scored, once, by the refitted model through both.
  const calibration = fitCalibration(options.calibration ?? 'none', validationY, best.probabilities);
  const validationProbabilities = applyCalibration(calibration, best.probabilities);
  const thresholdObjective = options.thresholdObjective ?? DEFAULT_THRESHOLD_OBJECTIVE;
  const choice = chooseThreshold(validationY, validationProbabilities, thresholdObjective);
  const { threshold } = choice;
  const validationMetrics = classificationMetrics(validationY, validationProbabilities, threshold);
  progress(
    `Chose l2=${best.l2}, threshold ${threshold.toFixed(4)} for ${describeObjective(thresholdObjective)} ` +
      `(validation precision ${choice.precision.toFixed(4)}, recall ${choice.recall.toFixed(4)}, F1 ${validationMetrics.f1.toFixed(4)})` +
      (calibration ? `, ${calibration.method} calibration` : ''),
  );

  const finalRows = mergeAscending(split.train, split.validation);
  progress(`Refitting on ${finalRows.length} train + validation rows`);
  const { spec, fit } = withPrepared(prepare(finalRows), (final) => ({
    spec: final.spec,
    fit: fitOn(final, best.l2, 'train + validation'),
  }));
  const uncalibratedTest = score(spec, fit, split.test);
  const testProbabilities = applyCalibration(calibration, uncalibratedTest);
  const testLabels = Array.from(pick(labels, split.test));
  const metrics = classificationMetrics(testLabels, testProbabilities, threshold);
  progress(`Test ROC AUC ${metrics.rocAuc.toFixed(4)}, F1 ${metrics.f1.toFixed(4)} on ${split.test.length} rows`);

  return {
    spec,
    model: { weights: fit.weights, intercept: fit.intercept },
    l2: best.l2,
    threshold,
    ...(calibration ? { calibration } : {}),
    ...(choice.targetMet
      ? {}
      : {
          thresholdWarning:
            `No threshold reaches ${describeObjective(thresholdObjective)} on the ${validationY.length} validation rows; ` +
            `chose the most precise one, ${threshold} (precision ${choice.precision.toFixed(4)}, recall ${choice.recall.toFixed(4)})`,
        }),
    iterations: fit.iterations,
    converged: fit.converged,
    split,
    finalRows,
    testProbabilities,
    testLabels,
    metrics,
    validationMetrics,
    params: {
      seed,
      fractions,
      l2Grid,
      l2: best.l2,
      solver: 'newton-cholesky',
      iterations: fit.iterations,
      tolerance,
      maxIterations,
      l2Search: search.map(({ l2, validationLogLoss, iterations }) => ({ l2, validationLogLoss, iterations })),
      threshold,
      thresholdObjective,
      thresholdTargetMet: choice.targetMet,
      classWeights: fit.classWeights ? { requested: options.classWeights, ...fit.classWeights } : null,
      calibration: calibration
        ? {
            method: calibration.method,
            fittedOn: 'validation',
            rows: calibration.rows,
            uncalibratedTestEce: classificationMetrics(testLabels, uncalibratedTest, threshold).ece,
          }
        : { method: 'none' },
    },
  };
}

/** 'balanced' weighs each class by rows / (2 · its rows), so the weights average 1 over the rows (scikit-learn's rule). */
function classWeightsFor(option: ClassWeightsOption | undefined, y: Uint8Array): ClassWeights | undefined {
  if (option === undefined) return undefined;
  if (option !== 'balanced') return { positive: option.positive, negative: option.negative };
  const positives = y.reduce((sum, label) => sum + label, 0);
  return { positive: y.length / (2 * positives), negative: y.length / (2 * (y.length - positives)) };
}

function describeObjective(objective: ThresholdObjective): string {
  return objective.metric === 'f1' ? 'the best F1' : `${objective.metric} >= ${objective.target}`;
}

/** 1 where the trimmed target equals the positive label, else 0; both classes must occur. */
export function labelsOf(table: RawTable, target: string, positiveLabel: string): Uint8Array {
  const cells = Object.hasOwn(table.columns, target) ? table.columns[target] : undefined;
  if (!cells) throw new InvalidInputError(`Target column "${target}" is not in the table`);
  const labels = Uint8Array.from(cells, (cell) => (cell.trim() === positiveLabel ? 1 : 0));
  const positives = labels.reduce((sum, label) => sum + label, 0);
  if (positives === 0 || positives === labels.length) {
    throw new InvalidInputError(
      `Target "${target}" needs both "${positiveLabel}" and other values; found only one class`,
    );
  }
  return labels;
}

/** Hands prepared data to `use` and keeps only its result: the caller holds no reference to the matrix. */
function withPrepared<P, R>(prepared: P, use: (prepared: P) => R): R {
  return use(prepared);
}

/** Two ascending index lists as one ascending list (no spread: a spread of 125k+ items overflows the stack). */
export function mergeAscending(a: number[], b: number[]): number[] {
  const merged = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < merged.length; k++) {
    merged[k] =
      j >= b.length || (i < a.length && (a[i] as number) < (b[j] as number)) ? (a[i++] as number) : (b[j++] as number);
  }
  return merged;
}

export function pick(labels: Uint8Array, rows: number[]): Uint8Array {
  return Uint8Array.from(rows, (row) => labels[row] as number);
}

function requireConverged(fit: LogisticFit, what: string): LogisticFit {
  if (!fit.converged) {
    throw new ConvergenceError(
      `Logistic regression with ${what} did not converge after ${fit.iterations} Newton steps (loss ${fit.loss})`,
    );
  }
  return fit;
}
