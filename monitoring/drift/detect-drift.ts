import { measureCategorical } from './categorical';
import { datasetVerdict, headlineOf } from './dataset-verdict';
import { summarise, summariseTooFew } from './summary';
import { measureNumeric } from './numeric';
import { checkFeatureOverrides, ruleFor } from './rules';
import type { Rule } from './rules';
import { assessDataQuality, qualityOf } from './data-quality';
import { decideAll, predictionDrift } from './feature-verdict';
import type { Measurement } from './feature-verdict';
import { assessPerformance } from './performance';
import type { DriftConfig, DriftReport, FeatureBaseline, LiveWindow, ModelBaseline, PerformanceResult } from '../types';

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
  meta: { modelName: string; version: number; minRows?: number },
): DriftReport {
  checkFeatureOverrides(baseline, config);
  const performance = performanceOf(window, baseline, config);
  const head = { modelName: meta.modelName, version: meta.version, window: windowInfo(window), config };
  const minRows = Math.max(1, meta.minRows ?? 1);
  if (window.rows < minRows) {
    // Too few predictions to test the features, yet labels that arrived late can still show concept drift.
    const dataQuality = assessDataQuality(baseline, window);
    const data = datasetVerdict([], null, config);
    const headline = headlineOf({ data, features: 0, prediction: null, performance });
    const summary = summariseTooFew(window, minRows, performance);
    const empty = { features: [], driftedFeatures: [], driftShare: 0, datasetDrift: false, prediction: null };
    return { ...head, ...empty, performance, drifted: performance?.drifted ?? false, headline, dataQuality, summary };
  }
  const large = window.rows >= config.largeWindow;
  const measurements = baseline.features.map((feature) =>
    measure(feature, window, ruleFor(feature.kind, feature.name, config, large)),
  );
  const features = decideAll(measurements, config.correction);
  const dataQuality = qualityOf(
    window.rows,
    measurements.map((m) => m.quality),
  );
  const prediction = predictionDrift(baseline.prediction, window.probabilities, config, large);
  const data = datasetVerdict(features, prediction, config);
  const headline = headlineOf({ data, features: features.length, prediction, performance });
  const summary = summarise({ window, features, data, config, headline, performance, dataQuality });
  const { driftedFeatures, driftShare, datasetDrift, counted } = data;
  const drifted = datasetDrift || data.predictionTrigger || (performance?.drifted ?? false);
  return {
    ...head,
    features,
    driftedFeatures,
    driftShare,
    datasetDrift,
    prediction,
    performance,
    counted,
    drifted,
    headline,
    dataQuality,
    summary,
  };
}

/** Realised performance on the labels that arrived in the run's span, or on the window's labels alone. */
function performanceOf(window: LiveWindow, baseline: ModelBaseline, config: DriftConfig): PerformanceResult | null {
  const span = { from: window.from, to: window.to };
  const feedback = window.feedback ?? { labelled: window.labelled, late: 0, labelSpan: span, predictionSpan: span };
  return assessPerformance(feedback.labelled, baseline.performance, config.performance, {
    late: feedback.late,
    labelSpan: feedback.labelSpan,
    predictionSpan: feedback.predictionSpan ?? span,
  });
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
