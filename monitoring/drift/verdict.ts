import type { Measurement } from './measurement';
import { capitalise, pValue, TEST_NAMES } from './wording';
import { adjustPValues, CORRECTION_NAMES } from '../stats/multiple-testing';
import type { DriftConfig, FeatureDriftResult } from '../types';

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
