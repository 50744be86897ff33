import { InvalidInputError } from '../../core/errors';
import { designWidth, encodeRecords } from '../features';
import { sigmoid } from '../logistic';
import type { FeatureSpec, LogisticModel, Matrix, RawRecord } from '../types';
import { adagradStep, type StepReport } from './adagrad';
import { resolveOnlineOptions, type OnlineOptions } from './options';

/**
 * A binary logistic regression that keeps learning, on the batch model's own design matrix: the same
 * FeatureSpec and `encodeRecords` (imputation, standardisation with the spec's mean and std, one-hot
 * levels; an unseen category encodes as all zeros, as in the batch model and its ONNX graph), so its
 * coefficients can go back through the ONNX export unchanged in shape.
 */
export class OnlineLogistic {
  readonly spec: FeatureSpec;
  readonly options: OnlineOptions;
  /** Weights then the intercept last. */
  private readonly parameters: Float64Array;
  /** AdaGrad's Σg² per coordinate (started at G₀), same layout. */
  private readonly accumulators: Float64Array;
  private learned: number;
  private updates: number;

  /** Warm start: the model predicts exactly as `model` until its first update. */
  constructor(spec: FeatureSpec, model: LogisticModel, options: Partial<OnlineOptions> = {}) {
    const width = designWidth(spec);
    if (model.weights.length !== width) {
      throw new InvalidInputError(
        `The model has ${model.weights.length} weights but its spec encodes ${width} columns`,
      );
    }
    const values = [...model.weights, model.intercept];
    const bad = values.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw new InvalidInputError(`Coefficient ${bad} of the model is not a finite number`);
    this.spec = spec;
    this.options = resolveOnlineOptions(options);
    this.parameters = Float64Array.from(values);
    this.accumulators = new Float64Array(width + 1).fill(this.options.initialAccumulator);
    this.learned = 0;
    this.updates = 0;
  }

  /** Records learned so far (every update adds its mini-batch's size). */
  get recordsLearned(): number {
    return this.learned;
  }

  /** Mini-batch updates made so far. */
  get updateCount(): number {
    return this.updates;
  }

  /** The current coefficients as a plain model (copies). */
  model(): LogisticModel {
    const width = this.parameters.length - 1;
    return { weights: Array.from(this.parameters.subarray(0, width)), intercept: this.parameters[width] as number };
  }

  encode(records: RawRecord[]): Matrix {
    return encodeRecords(this.spec, records);
  }

  predict(records: RawRecord[]): Float64Array {
    return this.predictEncoded(this.encode(records));
  }

  /** Probabilities of rows already encoded with this learner's spec. */
  predictEncoded(X: Matrix): Float64Array {
    this.requireWidth(X);
    const { rows, cols, data } = X;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const offset = i * cols;
      let z = this.parameters[cols] as number;
      for (let j = 0; j < cols; j++) z += (data[offset + j] as number) * (this.parameters[j] as number);
      out[i] = sigmoid(z);
    }
    return out;
  }

  /** One update on the whole mini-batch `records` with 0/1 `labels`. */
  learn(records: RawRecord[], labels: ArrayLike<number>): StepReport {
    return this.learnEncoded(this.encode(records), labels);
  }

  learnEncoded(X: Matrix, labels: ArrayLike<number>): StepReport {
    this.requireWidth(X);
    if (labels.length !== X.rows) throw new InvalidInputError(`${X.rows} records but ${labels.length} labels`);
    if (X.rows === 0) throw new InvalidInputError('A mini-batch needs at least one record');
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== 0 && labels[i] !== 1) {
        throw new InvalidInputError(`Label of record ${i + 1} of the mini-batch is ${String(labels[i])}, not 0 or 1`);
      }
    }
    const report = adagradStep(X, labels, this.parameters, this.accumulators, this.options);
    this.learned += X.rows;
    this.updates += 1;
    return report;
  }

  /** The optimizer's state for a checkpoint (see state.ts). */
  optimizerState(): { accumulators: number[]; recordsLearned: number; updates: number } {
    return { accumulators: Array.from(this.accumulators), recordsLearned: this.learned, updates: this.updates };
  }

  /** Back to a checkpointed optimizer state; the coefficients come in through the constructor. */
  restoreOptimizerState(state: { accumulators: number[]; recordsLearned: number; updates: number }): void {
    if (state.accumulators.length !== this.accumulators.length) {
      throw new InvalidInputError(
        `The checkpoint has ${state.accumulators.length} accumulators but the model has ${this.accumulators.length} coefficients`,
      );
    }
    if (!state.accumulators.every((value) => Number.isFinite(value) && value > 0)) {
      throw new InvalidInputError('Every accumulator of the checkpoint must be a finite number > 0');
    }
    this.accumulators.set(state.accumulators);
    this.learned = state.recordsLearned;
    this.updates = state.updates;
  }

  private requireWidth(X: Matrix): void {
    if (X.cols !== this.parameters.length - 1) {
      throw new InvalidInputError(`The rows have ${X.cols} columns but the model has ${this.parameters.length - 1}`);
    }
  }
}
