import { InvalidInputError } from '../../core/errors';
import { logLoss, rocAuc } from '../metrics';
import { expectedCalibrationError, mean } from './calibration';

// Progressive validation (Blum, Kalai & Langford 1999): each record is scored by the online model
// before it learns from it, so the scores are out-of-sample however long the stream runs. The window
// keeps the last `size` records' label and both models' scores (the online model's and the serving
// version's, on the same records) and computes the metrics over exactly those records.

export const DEFAULT_WINDOW_SIZE = 2_000;

/** Metrics of one model over the window; null where undefined (no records, or one class only for ROC AUC). */
export interface WindowMetrics {
  logLoss: number | null;
  rocAuc: number | null;
  /** Mean predicted probability: with observedRate, calibration-in-the-large. */
  meanPredicted: number | null;
  /** Expected calibration error over 10 equal-width bins. */
  ece: number | null;
}

/** Plain JSON: what a Temporal query or the Web UI shows. */
export interface ProgressiveSnapshot {
  /** Records in the window now (at most windowSize). */
  records: number;
  windowSize: number;
  /** Positive labels' share in the window. */
  observedRate: number | null;
  positives: number;
  online: WindowMetrics;
  serving: WindowMetrics;
}

/** The window's contents as plain JSON, oldest first, for a checkpoint. */
export interface WindowState {
  size: number;
  labels: number[];
  online: number[];
  serving: number[];
}

export class ProgressiveWindow {
  readonly size: number;
  private readonly labels: Uint8Array;
  private readonly online: Float64Array;
  private readonly serving: Float64Array;
  /** Index the next record is written to. */
  private next = 0;
  private count = 0;

  constructor(size = DEFAULT_WINDOW_SIZE) {
    if (!Number.isInteger(size) || size < 1)
      throw new InvalidInputError(`windowSize must be a whole number >= 1, got ${size}`);
    this.size = size;
    this.labels = new Uint8Array(size);
    this.online = new Float64Array(size);
    this.serving = new Float64Array(size);
  }

  get records(): number {
    return this.count;
  }

  /** One scored record: its 0/1 label, the online model's and the serving version's probability. */
  add(label: number, online: number, serving: number): void {
    if (label !== 0 && label !== 1) throw new InvalidInputError(`A label must be 0 or 1, got ${label}`);
    for (const [name, p] of [
      ['online', online],
      ['serving', serving],
    ] as const) {
      if (!(p >= 0 && p <= 1)) throw new InvalidInputError(`The ${name} probability must be in [0, 1], got ${p}`);
    }
    this.labels[this.next] = label;
    this.online[this.next] = online;
    this.serving[this.next] = serving;
    this.next = (this.next + 1) % this.size;
    this.count = Math.min(this.count + 1, this.size);
  }

  snapshot(): ProgressiveSnapshot {
    const { labels, online, serving } = this.contents();
    const positives = labels.reduce((sum, label) => sum + label, 0);
    return {
      records: this.count,
      windowSize: this.size,
      observedRate: finiteOrNull(mean(labels)),
      positives,
      online: metricsOf(labels, online),
      serving: metricsOf(labels, serving),
    };
  }

  toState(): WindowState {
    const { labels, online, serving } = this.contents();
    return { size: this.size, labels: Array.from(labels), online: Array.from(online), serving: Array.from(serving) };
  }

  static fromState(state: WindowState): ProgressiveWindow {
    const { labels, online, serving } = state;
    if (labels.length !== online.length || labels.length !== serving.length || labels.length > state.size) {
      throw new InvalidInputError(
        `A window state of size ${state.size} has ${labels.length} labels, ${online.length} online and ${serving.length} serving scores`,
      );
    }
    const window = new ProgressiveWindow(state.size);
    labels.forEach((label, i) => window.add(label, online[i] as number, serving[i] as number));
    return window;
  }

  /** Oldest first. */
  private contents(): { labels: Uint8Array; online: Float64Array; serving: Float64Array } {
    const start = this.count < this.size ? 0 : this.next;
    const order = (values: Uint8Array | Float64Array) =>
      this.count < this.size ? values.slice(0, this.count) : concat(values.subarray(start), values.subarray(0, start));
    return {
      labels: order(this.labels) as Uint8Array,
      online: order(this.online) as Float64Array,
      serving: order(this.serving) as Float64Array,
    };
  }
}

function concat<T extends Uint8Array | Float64Array>(a: T, b: T): T {
  const out = new (a.constructor as new (length: number) => T)(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function metricsOf(labels: Uint8Array, p: Float64Array): WindowMetrics {
  if (labels.length === 0) return { logLoss: null, rocAuc: null, meanPredicted: null, ece: null };
  return {
    logLoss: finiteOrNull(logLoss(labels, p)),
    rocAuc: finiteOrNull(rocAuc(labels, p)),
    meanPredicted: finiteOrNull(mean(p)),
    ece: finiteOrNull(expectedCalibrationError(labels, p)),
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
