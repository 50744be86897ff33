import { sigmoid } from '../logistic';
import type { BinGroup, BinnedRows } from './binning';
import { addTreeOnBins, growTree, GrowWorkspace } from './grow';
import type { GbdtModel, GbdtParams } from './types';

// The boosting loop for binary log loss: start at the log-odds of the base rate, then each round fit a
// tree to the gradient p − y and hessian p(1 − p) of the current scores and add it. With validation rows
// it stops once their log loss has not improved for `earlyStoppingRounds` rounds and keeps the best round.

/** Smallest hessian sum a child may have: a leaf of almost-certain rows would get a huge value. */
const MIN_HESSIAN = 1e-3;
/** An improvement of validation log loss smaller than this does not count (scikit-learn's tol). */
const MIN_IMPROVEMENT = 1e-7;

export interface BoostRound {
  iteration: number;
  validationLogLoss?: number;
}

export interface BoostResult {
  model: GbdtModel;
  /** Validation log loss after each round (empty without validation rows). */
  validationLogLoss: number[];
  bestIteration: number;
  stoppedEarly: boolean;
}

export interface BoostInput {
  groups: readonly BinGroup[];
  train: BinnedRows;
  trainLabels: Uint8Array;
  validation?: { rows: BinnedRows; labels: Uint8Array };
  params: GbdtParams;
  onRound?: (round: BoostRound) => void;
}

export function boost(input: BoostInput): BoostResult {
  const { groups, train, trainLabels: y, validation, params } = input;
  if (y.length !== train.rows) throw new RangeError(`${train.rows} binned rows but ${y.length} labels`);
  if (train.rows === 0) throw new RangeError('Cannot boost on zero rows');
  const positives = y.reduce((sum, label) => sum + label, 0);
  const rate = Math.min(Math.max(positives / y.length, 1e-12), 1 - 1e-12);
  const baseScore = Math.log(rate / (1 - rate));

  const workspace = new GrowWorkspace(train, groups);
  const scores = new Float64Array(train.rows).fill(baseScore);
  const gradients = new Float64Array(train.rows);
  const hessians = new Float64Array(train.rows);
  const validationScores = validation ? new Float64Array(validation.rows.rows).fill(baseScore) : undefined;
  const model: GbdtModel = { baseScore, trees: [] };
  const validationLogLoss: number[] = [];
  let best = { loss: Infinity, iteration: 0 };
  let stoppedEarly = false;

  for (let iteration = 1; iteration <= params.maxIterations; iteration++) {
    for (let row = 0; row < train.rows; row++) {
      const p = sigmoid(scores[row] as number);
      const label = y[row] as number;
      gradients[row] = p - label;
      hessians[row] = p * (1 - p);
    }
    const grown = growTree(workspace, gradients, hessians, {
      maxLeaves: params.maxLeaves,
      maxDepth: params.maxDepth,
      learningRate: params.learningRate,
      l2: params.l2,
      minSamplesLeaf: params.minSamplesLeaf,
      minHessian: MIN_HESSIAN,
    });
    if (grown.leaves.length === 1) break; // no split gains: every further tree would be this constant
    model.trees.push(grown.tree);
    for (const leaf of grown.leaves) {
      const value = grown.tree.value[leaf.node] as number;
      for (let i = leaf.start; i < leaf.end; i++) {
        const row = workspace.order[i] as number;
        scores[row] = (scores[row] as number) + value;
      }
    }
    const round: BoostRound = { iteration };
    if (validation && validationScores) {
      addTreeOnBins(grown, groups, validation.rows, validationScores);
      const loss = meanLogLoss(validationScores, validation.labels);
      validationLogLoss.push(loss);
      round.validationLogLoss = loss;
      if (loss < best.loss - MIN_IMPROVEMENT) best = { loss, iteration };
      else if (iteration - best.iteration >= params.earlyStoppingRounds) stoppedEarly = true;
    }
    input.onRound?.(round);
    if (stoppedEarly) break;
  }
  if (validation) model.trees.length = best.iteration;
  return {
    model,
    validationLogLoss,
    bestIteration: validation ? best.iteration : model.trees.length,
    stoppedEarly,
  };
}

/** log(1 + e^z) − y·z: the log loss of score z, without overflow. */
function pointLogLoss(z: number, label: number): number {
  return Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - label * z;
}

function meanLogLoss(scores: Float64Array, labels: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += pointLogLoss(scores[i] as number, labels[i] as number);
  return sum / scores.length;
}
