import type { DriftConfig, FeatureDriftResult } from './types';

export interface DatasetVerdict {
  driftedFeatures: string[];
  driftShare: number;
  datasetDrift: boolean;
  criticalDrifted: string[];
}

/** Dataset drift: enough features drifted, or any feature marked critical did. */
export function datasetVerdict(features: FeatureDriftResult[], config: DriftConfig): DatasetVerdict {
  const driftedFeatures = features.filter((f) => f.drifted).map((f) => f.name);
  const driftShare = features.length > 0 ? driftedFeatures.length / features.length : 0;
  const criticalDrifted = features.filter((f) => f.drifted && f.critical).map((f) => f.name);
  const datasetDrift = (driftedFeatures.length > 0 && driftShare >= config.driftShare) || criticalDrifted.length > 0;
  return { driftedFeatures, driftShare, datasetDrift, criticalDrifted };
}
