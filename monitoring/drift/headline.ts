import type { DatasetVerdict } from './dataset-verdict';
import type { DriftHeadline, FeatureDriftResult, PerformanceResult } from '../types';

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
