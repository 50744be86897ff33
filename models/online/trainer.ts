import { InvalidInputError } from '../../core/errors';
import type { FeatureSpec, LogisticModel, RawRecord } from '../types';
import type { StepReport } from './adagrad';
import { OnlineLogistic } from './learner';
import { DEFAULT_BATCH_SIZE, type OnlineOptions } from './options';
import { DEFAULT_WINDOW_SIZE, ProgressiveWindow, type ProgressiveSnapshot } from './window';

export interface TrainerOptions extends Partial<OnlineOptions> {
  /** Records per update (default 16). */
  batchSize?: number;
  /** Records the progressive metrics are computed over (default 2,000). */
  windowSize?: number;
}

/** What one call of `process` did. */
export interface ProcessReport {
  records: number;
  updates: number;
  /** Mini-batches whose gradient or step hit its bound. */
  clippedUpdates: number;
  /** The online model's probabilities for the records, each made before the record was learned. */
  onlineProbabilities: Float64Array;
  /** Largest step norm of the call's updates. */
  largestStep: number;
}

/**
 * Progressive validation around the online learner: each mini-batch of labelled records is first
 * scored by the current online model (and, by the caller, by the serving version), the scores go
 * into the rolling window, and only then does the learner update on the batch.
 */
export class ProgressiveTrainer {
  readonly learner: OnlineLogistic;
  readonly window: ProgressiveWindow;
  readonly batchSize: number;

  constructor(learner: OnlineLogistic, window: ProgressiveWindow, batchSize = DEFAULT_BATCH_SIZE) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new InvalidInputError(`batchSize must be a whole number >= 1, got ${batchSize}`);
    }
    this.learner = learner;
    this.window = window;
    this.batchSize = batchSize;
  }

  /** Warm start from a batch model: spec and coefficients of a version's trained.json. */
  static warmStart(spec: FeatureSpec, model: LogisticModel, options: TrainerOptions = {}): ProgressiveTrainer {
    const { batchSize, windowSize = DEFAULT_WINDOW_SIZE, ...learnerOptions } = options;
    return new ProgressiveTrainer(
      new OnlineLogistic(spec, model, learnerOptions),
      new ProgressiveWindow(windowSize),
      batchSize,
    );
  }

  /**
   * Predict, record, then learn, a mini-batch of `batchSize` at a time, in order. `servingProbabilities`
   * are the serving version's scores of the same records (the comparison model of the window).
   * A trailing partial mini-batch is learned as it is, so every record is learned exactly once.
   */
  process(records: RawRecord[], labels: ArrayLike<number>, servingProbabilities: ArrayLike<number>): ProcessReport {
    if (labels.length !== records.length || servingProbabilities.length !== records.length) {
      throw new InvalidInputError(
        `${records.length} records need as many labels and serving probabilities, got ${labels.length} and ${servingProbabilities.length}`,
      );
    }
    requireLabelsAndScores(labels, servingProbabilities);
    const X = this.learner.encode(records);
    const onlineProbabilities = new Float64Array(records.length);
    const report: ProcessReport = { records: 0, updates: 0, clippedUpdates: 0, onlineProbabilities, largestStep: 0 };
    for (let start = 0; start < records.length; start += this.batchSize) {
      const end = Math.min(start + this.batchSize, records.length);
      const batch = { rows: end - start, cols: X.cols, data: X.data.subarray(start * X.cols, end * X.cols) };
      onlineProbabilities.set(this.learner.predictEncoded(batch), start);
      for (let i = start; i < end; i++) {
        this.window.add(labels[i] as number, onlineProbabilities[i] as number, servingProbabilities[i] as number);
      }
      const batchLabels = Array.prototype.slice.call(labels, start, end) as number[];
      const step: StepReport = this.learner.learnEncoded(batch, batchLabels);
      report.records += step.records;
      report.updates += 1;
      if (step.clipped) report.clippedUpdates += 1;
      report.largestStep = Math.max(report.largestStep, step.stepNorm);
    }
    return report;
  }

  snapshot(): ProgressiveSnapshot {
    return this.window.snapshot();
  }
}

/** Checked before any record is learned, so a bad one cannot leave a call half done. */
function requireLabelsAndScores(labels: ArrayLike<number>, serving: ArrayLike<number>): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) {
      throw new InvalidInputError(`Record ${i + 1}: the label must be 0 or 1, got ${String(labels[i])}`);
    }
    const p = serving[i] as number;
    if (!(p >= 0 && p <= 1)) {
      throw new InvalidInputError(`Record ${i + 1}: the serving probability must be in [0, 1], got ${String(p)}`);
    }
  }
}
