export interface ConfusionMatrix {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** One of the reliability curve's equal-width bins of predicted probability, [lower, upper) (the last includes 1). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  /** Predictions in the bin; 0 leaves the two means null. */
  count: number;
  meanPredicted: number | null;
  observedRate: number | null;
}

/** Test-split metrics of a trained version, as the lifecycle result and the registry report them. */
export interface ClassificationMetrics {
  rocAuc: number;
  prAuc: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  logLoss: number;
  brier: number;
  threshold: number;
  confusion: ConfusionMatrix;
  rows: number;
  positives: number;
  /**
   * Expected calibration error over 10 equal-width bins of predicted probability:
   * Σ (count/rows)·|meanPredicted − observedRate|. Absent in versions trained before it was computed.
   */
  ece?: number;
  /** The 10 bins behind `ece`, lowest first. */
  reliability?: ReliabilityBin[];
}
