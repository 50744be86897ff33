import { measureCategorical } from './drift-categorical';
import { datasetVerdict } from './drift-dataset-verdict';
import type { Measurement } from './drift-measurement';
import { measureNumeric } from './drift-numeric';
import { predictionDrift } from './drift-prediction';
import { checkFeatureOverrides, ruleFor } from './drift-rules';
import type { Rule } from './drift-rules';
import { summarise } from './drift-summary';
import { decideAll } from './drift-verdict';
import { assessPerformance } from './performance';
import type { DriftConfig, DriftReport, FeatureBaseline, LiveWindow, ModelBaseline } from './types';

// Compares a window of logged predictions with the training baseline, feature by feature.
//
// Small windows get significance tests (KS, chi-square) whose p-values are corrected together, and
// a feature drifts only if its change is also large enough to matter (normalised Wasserstein or
// Jensen–Shannon distance at least minEffect): with enough rows any test finds a negligible shift,
// and nobody should be paged for one. From `largeWindow` rows the distance alone decides.

export function detectDrift(
  baseline: ModelBaseline,
  window: LiveWindow,
  config: DriftConfig,
  meta: { modelName: string; version: number },
): DriftReport {
  checkFeatureOverrides(baseline, config);
  const performance = assessPerformance(window.labelled, baseline.performance, config.performance);
  const head = { modelName: meta.modelName, version: meta.version, window: windowInfo(window), config };
  if (window.rows === 0) {
    const summary = `The window from ${window.from} to ${window.to} holds no predictions, so there is nothing to compare.`;
    const empty = { features: [], driftedFeatures: [], driftShare: 0, datasetDrift: false, prediction: null };
    return { ...head, ...empty, performance, drifted: performance?.drifted ?? false, summary };
  }
  const large = window.rows >= config.largeWindow;
  const features = decideAll(
    baseline.features.map((feature) => measure(feature, window, ruleFor(feature.kind, feature.name, config, large))),
    config.correction,
  );
  const data = datasetVerdict(features, config);
  const prediction = predictionDrift(baseline.prediction, window.probabilities, config, large);
  const summary = summarise({ window, features, data, config, prediction, performance });
  const { driftedFeatures, driftShare, datasetDrift } = data;
  const drifted = datasetDrift || (performance?.drifted ?? false);
  return { ...head, features, driftedFeatures, driftShare, datasetDrift, prediction, performance, drifted, summary };
}

function windowInfo(window: LiveWindow): DriftReport['window'] {
  return { rows: window.rows, from: window.from, to: window.to };
}

function measure(feature: FeatureBaseline, window: LiveWindow, rule: Rule): Measurement {
  const raw = window.columns[feature.name];
  return feature.kind === 'numeric'
    ? measureNumeric(feature, raw, window.rows, rule)
    : measureCategorical(feature, raw, window.rows, rule);
}
