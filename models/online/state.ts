import { createHash } from 'node:crypto';
import { InvalidInputError } from '../../core/errors';
import { designWidth } from '../features';
import type { FeatureSpec, LogisticModel } from '../types';
import { OnlineLogistic } from './learner';
import type { OnlineOptions } from './options';
import { ProgressiveTrainer } from './trainer';
import { ProgressiveWindow, type WindowState } from './window';

/**
 * Everything a resumed learner needs, as plain JSON: the coefficients, AdaGrad's accumulators, how
 * many records and updates are behind them, the progressive window, and the spec they encode with
 * (with its digest, so a checkpoint cannot be resumed against another version's encoding).
 * `meta` is the caller's own JSON (source offsets, parent version, …), saved and restored with it.
 */
export interface OnlineState {
  format: 'mlcycle-online-state';
  formatVersion: 1;
  spec: FeatureSpec;
  specSha256: string;
  model: LogisticModel;
  options: OnlineOptions;
  batchSize: number;
  optimizer: { rule: 'adagrad'; accumulators: number[] };
  recordsLearned: number;
  updates: number;
  window: WindowState;
  meta: Record<string, unknown>;
}

/** sha256 of the spec's JSON: which encoding a state's coefficients belong to. */
export function specSha256(spec: FeatureSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex');
}

export function trainerState(trainer: ProgressiveTrainer, meta: Record<string, unknown> = {}): OnlineState {
  const { learner } = trainer;
  const optimizer = learner.optimizerState();
  return {
    format: 'mlcycle-online-state',
    formatVersion: 1,
    spec: learner.spec,
    specSha256: specSha256(learner.spec),
    model: learner.model(),
    options: { ...learner.options },
    batchSize: trainer.batchSize,
    optimizer: { rule: 'adagrad', accumulators: optimizer.accumulators },
    recordsLearned: optimizer.recordsLearned,
    updates: optimizer.updates,
    window: trainer.window.toState(),
    meta,
  };
}

/** The trainer a state describes; its predictions equal those of the trainer the state was taken from. */
export function trainerFromState(state: OnlineState): ProgressiveTrainer {
  requireStateShape(state);
  const digest = specSha256(state.spec);
  if (digest !== state.specSha256) {
    throw new InvalidInputError(`The state's spec has sha256 ${digest}, but the state records ${state.specSha256}`);
  }
  const learner = new OnlineLogistic(state.spec, state.model, state.options);
  learner.restoreOptimizerState({
    accumulators: state.optimizer.accumulators,
    recordsLearned: state.recordsLearned,
    updates: state.updates,
  });
  return new ProgressiveTrainer(learner, ProgressiveWindow.fromState(state.window), state.batchSize);
}

/** The fields a hand-edited or truncated file would get wrong, each named. */
function requireStateShape(state: OnlineState): void {
  const problem = (field: string, why: string) => new InvalidInputError(`Online state field "${field}" ${why}`);
  if (state === null || typeof state !== 'object') throw new InvalidInputError('An online state must be a JSON object');
  if (state.format !== 'mlcycle-online-state') throw problem('format', 'must be "mlcycle-online-state"');
  if (state.formatVersion !== 1)
    throw problem('formatVersion', `is ${String(state.formatVersion)}; this build reads 1`);
  if (state.optimizer?.rule !== 'adagrad') throw problem('optimizer.rule', 'must be "adagrad"');
  for (const field of ['recordsLearned', 'updates', 'batchSize'] as const) {
    if (!Number.isInteger(state[field]) || state[field] < 0) throw problem(field, 'must be a whole number >= 0');
  }
  if (!Array.isArray(state.model?.weights) || state.model.weights.length !== designWidth(state.spec)) {
    throw problem('model.weights', `must hold ${designWidth(state.spec)} numbers, one per design column`);
  }
  if (!Array.isArray(state.window?.labels)) throw problem('window', 'must hold the window contents');
  if (state.meta === null || typeof state.meta !== 'object') throw problem('meta', 'must be a JSON object');
}
