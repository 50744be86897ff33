export interface ConfusionMatrix {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
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
}
