import { measureNumeric } from './numeric';
import { predictionRule } from './rules';
import type { Rule } from './rules';
import { capitalise, pValue, TEST_NAMES } from './wording';
import { adjustPValues, CORRECTION_NAMES } from '../stats/multiple-testing';
import type { DriftConfig, FeatureDriftResult, FeatureQuality, Histogram, NumericBaseline } from '../types';

// Each feature's verdict from its measurement: significance (corrected across features) and size of
// the change, or the distance alone for large windows. The predictions get the same verdict, alone.

/** One feature's comparison before the verdict, which needs every p-value for the correction. */
export interface Measurement {
  name: string;
  kind: 'numeric' | 'categorical';
  rule: Rule;
  statistic: number;
  pValue?: number;
  effect: number;
  psi: number;
  rows: number;
  liveMissingShare: number;
  histogram: Histogram;
  /** Blanks and out-of-range values, counted in the same pass over the column. */
  quality: FeatureQuality;
  /** What changed, in words: "mean 64.76 → 71.3 (+0.30 SD), distribution shift 0.31 SD". */
  change: string;
  /** Set when no test could run (no reference or no live values): the verdict is already known. */
  verdict?: { drifted: boolean; reason: string };
}

/** Verdicts for every feature, with the p-values of all significance tests adjusted together. */
export function decideAll(measurements: Measurement[], correction: DriftConfig['correction']): FeatureDriftResult[] {
  const tested = measurements.filter((m) => m.pValue !== undefined && !m.verdict);
  const adjusted = adjustPValues(
    tested.map((m) => m.pValue as number),
    correction,
  );
  const adjustedOf = new Map(tested.map((m, i) => [m, adjusted[i] as number]));
  return measurements.map((m) => decide(m, adjustedOf.get(m), ` after ${CORRECTION_NAMES[correction]}`));
}

export function decide(m: Measurement, adjustedPValue: number | undefined, correctionNote: string): FeatureDriftResult {
  const { rule } = m;
  const effect = {
    measure: m.kind === 'numeric' ? ('wasserstein' as const) : ('jensenshannon' as const),
    value: m.effect,
    minimum: rule.minEffect,
  };
  const result = {
    name: m.name,
    kind: m.kind,
    test: rule.test,
    statistic: m.statistic,
    ...(m.pValue !== undefined ? { pValue: m.pValue } : {}),
    ...(adjustedPValue !== undefined ? { adjustedPValue } : {}),
    effect,
    psi: m.psi,
    critical: rule.critical,
    rows: m.rows,
    liveMissingShare: m.liveMissingShare,
    histogram: m.histogram,
  };
  if (m.verdict) return { ...result, ...m.verdict };
  const change = capitalise(m.change);
  if (adjustedPValue === undefined) {
    const drifted = m.statistic >= rule.threshold;
    const unit = m.kind === 'numeric' ? ' SD' : '';
    const side = drifted ? 'at or over' : 'under';
    return { ...result, drifted, reason: `${change}: ${side} the ${rule.threshold}${unit} threshold.` };
  }
  const test = `${TEST_NAMES[rule.test]} ${pValue(adjustedPValue)}${correctionNote}`;
  const significant = adjustedPValue < rule.threshold;
  const large = m.effect >= rule.minEffect;
  if (significant && large) return { ...result, drifted: true, reason: `${change}; ${test}.` };
  if (significant) {
    const minimum =
      m.kind === 'numeric' ? `shift is under the ${rule.minEffect} SD` : `JS distance is under the ${rule.minEffect}`;
    return { ...result, drifted: false, reason: `${change}; ${test} is significant, but the ${minimum} that counts.` };
  }
  return { ...result, drifted: false, reason: `No significant change: ${m.change}; ${test}.` };
}

/** Drift of the predicted probabilities: the model's output, reported apart from the input features. */
export function predictionDrift(
  reference: NumericBaseline,
  probabilities: readonly number[],
  config: DriftConfig,
  large: boolean,
): FeatureDriftResult | null {
  if (probabilities.length === 0) return null;
  const m = measureNumeric(reference, probabilities, probabilities.length, predictionRule(config, large));
  // A single test: nothing to correct for.
  return decide(m, m.verdict ? undefined : m.pValue, '');
}
