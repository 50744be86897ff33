import type { DriftConfig, DriftHeadline, FeatureDriftResult, PerformanceResult } from '../types';

// The dataset's verdict from the features' verdicts, and the headline the report leads with
// (summary.ts words it as a sentence).

export interface DatasetVerdict {
  driftedFeatures: string[];
  /** Share of what the rule counts (the features, plus the predictions with `predictionDrift: 'feature'`) that drifted. */
  driftShare: number;
  datasetDrift: boolean;
  criticalDrifted: string[];
  /** What the dataset rule counted: drifted and total, the predictions included when they count as a feature. */
  counted: { drifted: number; of: number; predictions: boolean };
  /** The predictions drifted and `predictionDrift` is 'trigger': drift on its own, apart from the rule. */
  predictionTrigger: boolean;
}

/**
 * Dataset drift: enough features drifted, or any feature marked critical did. The predicted
 * probabilities count as one more feature, trigger on their own, or only show, by `predictionDrift`.
 */
export function datasetVerdict(
  features: FeatureDriftResult[],
  prediction: FeatureDriftResult | null,
  config: DriftConfig,
): DatasetVerdict {
  const driftedFeatures = features.filter((f) => f.drifted).map((f) => f.name);
  const countsPrediction = prediction !== null && config.predictionDrift === 'feature';
  const drifted = driftedFeatures.length + (countsPrediction && prediction.drifted ? 1 : 0);
  const of = features.length + (countsPrediction ? 1 : 0);
  const driftShare = of > 0 ? drifted / of : 0;
  const criticalDrifted = features.filter((f) => f.drifted && f.critical).map((f) => f.name);
  const datasetDrift = (drifted > 0 && driftShare >= config.driftShare) || criticalDrifted.length > 0;
  return {
    driftedFeatures,
    driftShare,
    datasetDrift,
    criticalDrifted,
    counted: { drifted, of, predictions: countsPrediction },
    predictionTrigger: config.predictionDrift === 'trigger' && prediction?.drifted === true,
  };
}

/**
 * Dataset drift by the rule, and beside it what was seen. "No drift" would hide 3 drifted features
 * and shifted predictions that stayed under the rule, so those get a state of their own ('warn').
 */
export function headlineOf(parts: {
  data: DatasetVerdict;
  features: number;
  prediction: FeatureDriftResult | null;
  performance: PerformanceResult | null;
}): DriftHeadline {
  const { data, features, prediction, performance } = parts;
  const k = data.driftedFeatures.length;
  const predictionsDrifted = prediction?.drifted === true;
  const seen = [
    k > 0 ? `${k} of ${features} features drifted` : features > 0 ? 'no feature drifted' : 'no features compared',
    ...(predictionsDrifted ? ['predictions drifted'] : []),
  ].join(', ');
  const acts = data.datasetDrift || data.predictionTrigger || performance?.drifted === true;
  const state = acts ? 'alert' : k > 0 || predictionsDrifted ? 'warn' : 'ok';
  return { state, datasetDrift: data.datasetDrift, seen };
}
