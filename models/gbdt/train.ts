import { InvalidInputError } from '../../core/errors';
import type { ClassificationMetrics } from '../../contracts';
import { fitFeatureSpec } from '../features';
import { bestF1Threshold, classificationMetrics } from '../metrics';
import { stratifiedSplit, type SplitFractions, type SplitIndices } from '../split';
import { DEFAULT_FRACTIONS, labelsOf, mergeAscending, pick } from '../training';
import type { FeatureSpec, InputColumn, RawTable } from '../types';
import { binRows, fitBinLayout } from './binning';
import { boost } from './boost';
import { scoreGbdtRows } from './predict';
import { DEFAULT_GBDT_PARAMS, type GbdtModel, type GbdtParams } from './types';

// Gradient-boosted trees written here rather than taken from a library: no well-kept JavaScript package
// trains histogram GBDT (ml.js's random forest took 388 s on a million rows), and this one is small,
// seeded and exports to ONNX with the same preprocessing as the logistic model.

export interface GbdtTrainOptions {
  target: string;
  positiveLabel: string;
  inputs: InputColumn[];
  seed: number;
  fractions?: SplitFractions;
  params?: Partial<GbdtParams>;
  onProgress?: (message: string) => void;
}

export interface GbdtFitted {
  spec: FeatureSpec;
  model: GbdtModel;
  threshold: number;
  split: SplitIndices;
  /** Train and validation rows, ascending: the trees were grown on train and stopped on validation. */
  finalRows: number[];
  testProbabilities: number[];
  testLabels: number[];
  metrics: ClassificationMetrics;
  validationMetrics: ClassificationMetrics;
  params: Record<string, unknown>;
}

/**
 * Same split as the logistic trainer (same seed, same rows), trees grown on the train rows with early
 * stopping on validation, threshold chosen by validation F1, scored once on test. No refit on
 * train + validation: the number of rounds was chosen for the train rows alone.
 */
export function trainGbdtModel(table: RawTable, options: GbdtTrainOptions): GbdtFitted {
  const { seed, fractions = DEFAULT_FRACTIONS } = options;
  const params = gbdtParams(options.params);
  const progress = options.onProgress ?? (() => undefined);
  const labels = labelsOf(table, options.target, options.positiveLabel);
  const split = stratifiedSplit(labels, fractions, seed);
  progress(
    `Split ${table.rowCount} rows: ${split.train.length} train, ${split.validation.length} validation, ${split.test.length} test`,
  );
  const spec = fitFeatureSpec(table, options.inputs, split.train);
  const layout = fitBinLayout(spec, table, split.train, params.maxBins, seed);
  const validationY = pick(labels, split.validation);
  const result = boost({
    groups: layout.groups,
    train: binRows(layout, table, split.train),
    trainLabels: pick(labels, split.train),
    validation:
      split.validation.length > 0 ? { rows: binRows(layout, table, split.validation), labels: validationY } : undefined,
    params,
    onRound: ({ iteration, validationLogLoss }) => {
      if (iteration % 10 === 0) {
        progress(`gbdt round ${iteration}: validation log loss ${validationLogLoss?.toFixed(4) ?? 'n/a'}`);
      }
    },
  });
  const { model } = result;
  progress(`gbdt kept ${model.trees.length} trees (${result.stoppedEarly ? 'stopped early' : 'no early stop'})`);

  const validationProbabilities = scoreGbdtRows(spec, model, table, split.validation);
  const threshold = bestF1Threshold(validationY, validationProbabilities);
  const validationMetrics = classificationMetrics(validationY, validationProbabilities, threshold);
  const testProbabilities = Array.from(scoreGbdtRows(spec, model, table, split.test));
  const testLabels = Array.from(pick(labels, split.test));
  const metrics = classificationMetrics(testLabels, testProbabilities, threshold);
  progress(`gbdt test ROC AUC ${metrics.rocAuc.toFixed(4)}, F1 ${metrics.f1.toFixed(4)} on ${split.test.length} rows`);
  return {
    spec,
    model,
    threshold,
    split,
    finalRows: mergeAscending(split.train, split.validation),
    testProbabilities,
    testLabels,
    metrics,
    validationMetrics,
    params: {
      seed,
      fractions,
      gbdt: params,
      trees: model.trees.length,
      leaves: model.trees.reduce((sum, tree) => sum + tree.left.filter((child) => child < 0).length, 0),
      stoppedEarly: result.stoppedEarly,
      bestValidationLogLoss: result.validationLogLoss[result.bestIteration - 1] ?? null,
    },
  };
}

/** The defaults with `overrides` applied, each checked: a bad value fails before any work. */
export function gbdtParams(overrides: Partial<GbdtParams> = {}): GbdtParams {
  const params = { ...DEFAULT_GBDT_PARAMS, ...definedOnly(overrides) };
  const problems: string[] = [];
  const check = (name: keyof GbdtParams, ok: boolean, rule: string) => {
    if (!ok) problems.push(`${name} must be ${rule}, got ${params[name]}`);
  };
  const integer = (x: number, min: number) => Number.isInteger(x) && x >= min;
  check('learningRate', params.learningRate > 0 && params.learningRate <= 1, 'in (0, 1]');
  check('maxLeaves', integer(params.maxLeaves, 2), 'an integer >= 2');
  check('maxDepth', integer(params.maxDepth, 0), 'an integer >= 0 (0 = no limit)');
  check('minSamplesLeaf', integer(params.minSamplesLeaf, 1), 'an integer >= 1');
  check('l2', params.l2 >= 0 && Number.isFinite(params.l2), 'a finite number >= 0');
  check('maxIterations', integer(params.maxIterations, 1), 'an integer >= 1');
  check('earlyStoppingRounds', integer(params.earlyStoppingRounds, 1), 'an integer >= 1');
  check('maxBins', integer(params.maxBins, 2) && params.maxBins <= 255, 'an integer from 2 to 255');
  if (problems.length > 0) throw new InvalidInputError(`Invalid gbdt options: ${problems.join('; ')}`);
  return params;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
