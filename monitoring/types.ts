// Shapes shared by the monitoring code: the training-time baseline stored with each model version,
// the live window read from the prediction log, the drift configuration and the drift report.
// All plain JSON, so they travel as files and show in the Web UI.

import type { DriftTest, PredictionDriftMode } from '../contracts/monitor';

/** Reference statistics of one numeric feature (or of the predicted probabilities). */
export interface NumericBaseline {
  name: string;
  kind: 'numeric';
  /** Training rows the statistics come from. */
  count: number;
  /** Share of rows with the value missing (blank / null / NaN). */
  missingShare: number;
  mean: number;
  std: number;
  /** Smallest and largest training value: live values outside them are reported as out of range. Absent in baselines made before they were stored (binEdges holds them too). */
  min?: number;
  max?: number;
  /** Quantile bin edges over non-missing values, ascending, first = min, last = max (length bins + 1). */
  binEdges: number[];
  /** Share of non-missing training values in each bin (sums to 1); values below/above the ends count in the end bins. */
  binShares: number[];
  /** A seeded random sample of non-missing values (at most 5,000) for exact two-sample tests. */
  sample: number[];
}

/** Reference statistics of one categorical feature. */
export interface CategoricalBaseline {
  name: string;
  kind: 'categorical';
  count: number;
  /** Share of rows whose value is missing (''). */
  missingShare: number;
  /** Share of each level among all rows, '' (missing) included when it occurs; sums to 1. */
  levelShares: Record<string, number>;
}

export type FeatureBaseline = NumericBaseline | CategoricalBaseline;

/** Everything the monitor compares a live window with, stored with the model version. */
export interface ModelBaseline {
  modelName: string;
  /** Rows of the data the baseline was computed on (training + validation split). */
  rows: number;
  features: FeatureBaseline[];
  /** Distribution of the model's predicted probabilities on the same rows. */
  prediction: NumericBaseline;
  /** Test-split performance at training time: what concept drift is measured against. */
  performance: { rocAuc: number; logLoss: number; brier: number; positiveRate: number };
}

/** A window of logged predictions, column-major like RawTable but with raw JSON values. */
export interface LiveWindow {
  rows: number;
  from: string;
  to: string;
  /** Feature name to one raw value per row (number, string or null, as clients sent them). */
  columns: Record<string, unknown[]>;
  probabilities: number[];
  /** Rows for which feedback gave the true outcome. */
  labelled: LabelledPrediction[];
  /**
   * Feedback judged by when the label arrived rather than when the prediction was made; when absent,
   * performance is measured on `labelled` alone.
   */
  feedback?: LabelledFeedback;
}

export interface LabelledPrediction {
  probability: number;
  label: 0 | 1;
}

/** A time span (from, to], ISO times. */
export interface Span {
  from: string;
  to: string;
}

/** The labelled predictions a monitor run evaluates: every label that arrived in its label span. */
export interface LabelledFeedback {
  /** Labelled predictions of the window plus those made earlier whose label arrived in `labelSpan`. */
  labelled: LabelledPrediction[];
  /** How many of `labelled` were predicted before the window: labels that came after their window closed. */
  late: number;
  /** When those labels arrived. */
  labelSpan: Span;
  /** When the labelled predictions were made (first to last); null with no labels. */
  predictionSpan: Span | null;
}

export interface FeatureDriftConfig {
  /** Force a test; by default KS / chi-square below `largeWindow` rows, Wasserstein / Jensen–Shannon from it. */
  test?: DriftTest;
  /** p-value level for KS / chi-square, or the distance threshold for Wasserstein / Jensen–Shannon. */
  threshold?: number;
  /** Smallest effect (normalised Wasserstein for numerics, Jensen–Shannon distance for categories) that counts. */
  minEffect?: number;
  /** A drift of this feature alone is dataset drift. */
  critical?: boolean;
}

export interface DriftConfig {
  /** Family-wise p-value level for KS and chi-square, after correction. */
  alpha: number;
  correction: 'bh' | 'bonferroni';
  /** Window size (rows) from which distances replace p-value tests. */
  largeWindow: number;
  /** Default threshold of normalised Wasserstein distance (in reference standard deviations). */
  wassersteinThreshold: number;
  /** Default threshold of Jensen–Shannon distance (base 2, 0..1). */
  jensenShannonThreshold: number;
  /** Practical significance for p-value tests: minimum normalised Wasserstein distance. */
  minEffectNumeric: number;
  /** Practical significance for p-value tests: minimum Jensen–Shannon distance. */
  minEffectCategorical: number;
  /** Dataset drift when at least this share of features drifted. */
  driftShare: number;
  /**
   * What drift of the predicted probabilities does: 'feature' counts it in the dataset rule as one more
   * feature (the default), 'trigger' makes it drift on its own, 'report' only shows it.
   */
  predictionDrift: PredictionDriftMode;
  features: Record<string, FeatureDriftConfig>;
  performance: {
    /** Fewer labelled rows than this: performance is reported but never flags concept drift. */
    minLabelled: number;
    /** Concept drift when realised ROC AUC is below the training figure by more than this. */
    rocAucMargin: number;
  };
}

export interface Histogram {
  /** Bin or level labels. */
  labels: string[];
  /** Shares (0..1) of reference and live values per label. */
  reference: number[];
  live: number[];
}

export interface FeatureDriftResult {
  name: string;
  kind: 'numeric' | 'categorical';
  test: DriftTest;
  statistic: number;
  /** Raw p-value of KS / chi-square. */
  pValue?: number;
  /** p-value after the multiple-testing correction; what the verdict uses. */
  adjustedPValue?: number;
  /** Practical-significance measure and its value. */
  effect: { measure: 'wasserstein' | 'jensenshannon'; value: number; minimum: number };
  psi: number;
  drifted: boolean;
  critical: boolean;
  /** One sentence a person can act on. */
  reason: string;
  /** Live non-missing values compared. */
  rows: number;
  liveMissingShare: number;
  histogram: Histogram;
}

export interface PerformanceResult {
  labelled: number;
  /** Of `labelled`, predictions made before the window whose label arrived in `labelSpan`. */
  late: number;
  /** When the labelled predictions were made, first to last. */
  predictionSpan: Span;
  /** When their labels arrived: since the previous run (or the window's start) until this run's end. */
  labelSpan: Span;
  rocAuc: number | null;
  logLoss: number | null;
  brier: number | null;
  /** Expected calibration error over 10 equal-width probability bins. */
  calibrationError: number | null;
  calibration: { meanPredicted: number; observedRate: number; count: number }[];
  trainingRocAuc: number;
  drifted: boolean;
  reason: string;
}

/** Blank and out-of-range input values of one feature in the window. */
export interface FeatureQuality {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Values that are null, empty, or a missing spelling ('NaN', 'NA', 'N/A', 'null'); numerics: also anything not a number. */
  blanks: number;
  blankShare: number;
  trainingBlankShare: number;
  /** Numerics: the training range [min, max], or null when the baseline has no values. */
  range?: [number, number] | null;
  /** Numerics: values below the training minimum and above the training maximum by more than a tenth of the range. */
  belowRange?: number;
  aboveRange?: number;
  /** Numerics: the smallest and largest live value, null when all were blank. */
  liveRange?: [number, number] | null;
}

export interface DataQualityResult {
  rows: number;
  blanks: number;
  outOfRange: number;
  features: FeatureQuality[];
}

/** What the report leads with: dataset drift by the rule, and beside it what was seen. */
export interface DriftHeadline {
  /** 'alert': drift that acts (dataset rule, concept drift, or predictions as a trigger); 'warn': features or predictions drifted but nothing acts; 'ok': nothing drifted. */
  state: 'ok' | 'warn' | 'alert';
  datasetDrift: boolean;
  /** E.g. "3 of 19 features drifted, predictions drifted". */
  seen: string;
}

export interface DriftReport {
  modelName: string;
  version: number;
  window: { rows: number; from: string; to: string };
  features: FeatureDriftResult[];
  driftedFeatures: string[];
  driftShare: number;
  datasetDrift: boolean;
  prediction: FeatureDriftResult | null;
  performance: PerformanceResult | null;
  /** What the dataset rule counted: `predictions` when the prediction drift counts as a feature. Absent in older reports. */
  counted?: { drifted: number; of: number; predictions: boolean };
  /** Data drift, concept drift, or prediction drift with `predictionDrift: 'trigger'`. */
  drifted: boolean;
  headline: DriftHeadline;
  dataQuality: DataQualityResult;
  summary: string;
  config: DriftConfig;
}
