import { parseNumeric } from '../models/features';
import { InvalidInputError } from '../shared/errors';
import { assessPerformance } from './performance';
import { binCounts, binLabels } from './stats/bins';
import { chiSquareHomogeneity } from './stats/chi-square';
import { jensenShannonDistance } from './stats/jensen-shannon';
import { ksTwoSample } from './stats/kolmogorov-smirnov';
import { adjustPValues, CORRECTION_NAMES } from './stats/multiple-testing';
import { populationStabilityIndex } from './stats/psi';
import { normalisedWasserstein } from './stats/wasserstein';
import type {
  CategoricalBaseline,
  DriftConfig,
  DriftReport,
  DriftTest,
  FeatureBaseline,
  FeatureDriftResult,
  Histogram,
  LiveWindow,
  ModelBaseline,
  NumericBaseline,
} from './types';

// Compares a window of logged predictions with the training baseline, feature by feature.
//
// Small windows get significance tests (KS, chi-square) whose p-values are corrected together, and
// a feature drifts only if its change is also large enough to matter (normalised Wasserstein or
// Jensen–Shannon distance at least minEffect): with enough rows any test finds a negligible shift,
// and nobody should be paged for one. From `largeWindow` rows the distance alone decides.

/** Histograms of categorical features show at most this many labels, the rarest pooled as "other". */
const MAX_HISTOGRAM_LEVELS = 20;
const OTHER_LABEL = 'other';
const MISSING_LABEL = '(missing)';
/** Levels counted by comparison before a Map takes over (see countLevels). */
const SCANNED_LEVELS = 16;
/** A change in the share of missing values is worth mentioning from one percentage point. */
const MISSING_NOTE_FROM = 0.01;
const TEST_NAMES: Record<DriftTest, string> = {
  ks: 'KS',
  chi2: 'chi-square',
  wasserstein: 'Wasserstein',
  jensenshannon: 'Jensen–Shannon',
};

interface Rule {
  test: DriftTest;
  /** p-value level for KS / chi-square, distance threshold otherwise. */
  threshold: number;
  minEffect: number;
  critical: boolean;
}

/** One feature's comparison before the verdict, which needs every p-value for the correction. */
interface Measurement {
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
  /** What changed, in words: "mean 64.76 → 71.3 (+0.30 SD), distribution shift 0.31 SD". */
  change: string;
  /** Set when no test could run (no reference or no live values): the verdict is already known. */
  verdict?: { drifted: boolean; reason: string };
}

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

interface DatasetVerdict {
  driftedFeatures: string[];
  driftShare: number;
  datasetDrift: boolean;
  criticalDrifted: string[];
}

/** Dataset drift: enough features drifted, or any feature marked critical did. */
function datasetVerdict(features: FeatureDriftResult[], config: DriftConfig): DatasetVerdict {
  const driftedFeatures = features.filter((f) => f.drifted).map((f) => f.name);
  const driftShare = features.length > 0 ? driftedFeatures.length / features.length : 0;
  const criticalDrifted = features.filter((f) => f.drifted && f.critical).map((f) => f.name);
  const datasetDrift = (driftedFeatures.length > 0 && driftShare >= config.driftShare) || criticalDrifted.length > 0;
  return { driftedFeatures, driftShare, datasetDrift, criticalDrifted };
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

/** A misspelt feature name in the config would silently monitor nothing: fail with the names instead. */
function checkFeatureOverrides(baseline: ModelBaseline, config: DriftConfig): void {
  const names = new Set(baseline.features.map((f) => f.name));
  const unknown = Object.keys(config.features).filter((name) => !names.has(name));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `Drift config names ${unknown.map((n) => `'${n}'`).join(', ')}, not features of ${baseline.modelName} ` +
        `(features: ${[...names].join(', ')})`,
    );
  }
}

function ruleFor(kind: 'numeric' | 'categorical', name: string, config: DriftConfig, large: boolean): Rule {
  const override = config.features[name] ?? {};
  const test =
    override.test ?? (kind === 'numeric' ? (large ? 'wasserstein' : 'ks') : large ? 'jensenshannon' : 'chi2');
  const fits =
    kind === 'numeric' ? test === 'ks' || test === 'wasserstein' : test === 'chi2' || test === 'jensenshannon';
  if (!fits) throw new InvalidInputError(`Drift test '${test}' does not apply to the ${kind} feature '${name}'`);
  const critical = override.critical ?? false;
  if (test === 'wasserstein' || test === 'jensenshannon') {
    // The distance is both the statistic and the effect, so the threshold is the minimum effect too.
    const threshold =
      override.threshold ?? (test === 'wasserstein' ? config.wassersteinThreshold : config.jensenShannonThreshold);
    return { test, threshold, minEffect: threshold, critical };
  }
  const minEffect = override.minEffect ?? (kind === 'numeric' ? config.minEffectNumeric : config.minEffectCategorical);
  return { test, threshold: override.threshold ?? config.alpha, minEffect, critical };
}

function measureNumeric(
  reference: NumericBaseline,
  raw: readonly unknown[] | undefined,
  rows: number,
  rule: Rule,
): Measurement {
  const live = parsedSorted(raw, rows);
  const liveMissingShare = rows > 0 ? (rows - live.length) / rows : 0;
  const liveShares = binCounts(live, reference.binEdges).map((count) => (live.length > 0 ? count / live.length : 0));
  const histogram = { labels: binLabels(reference.binEdges), reference: reference.binShares, live: liveShares };
  const base = { name: reference.name, kind: 'numeric' as const, rule, rows: live.length, liveMissingShare, histogram };
  const missing = missingNote(reference.missingShare, liveMissingShare);
  if (reference.sample.length === 0) {
    const reason = 'Not compared: the training data had no values of this feature.';
    return { ...base, statistic: 0, effect: 0, psi: 0, change: '', verdict: { drifted: false, reason } };
  }
  if (live.length === 0) {
    const reason = `All ${rows.toLocaleString('en-US')} live values are missing (${pct(reference.missingShare)} in training): check that clients still send ${reference.name}.`;
    return { ...base, statistic: 0, effect: 0, psi: 0, change: '', verdict: { drifted: true, reason } };
  }
  // Sorted once here and reused by KS and Wasserstein, which both walk the two samples in step.
  const sample = Float64Array.from(reference.sample).sort();
  const effect = normalisedWasserstein(sample, live, reference.std);
  const ks = rule.test === 'ks' ? ksTwoSample(sample, live) : undefined;
  const liveMean = mean(live);
  const meanShift = (liveMean - reference.mean) / (reference.std > 0 ? reference.std : 1);
  const change =
    `mean ${value(reference.mean)} → ${value(liveMean)} (${signed(meanShift)} SD), ` +
    `distribution shift ${effect.toFixed(2)} SD${missing}`;
  return {
    ...base,
    statistic: ks ? ks.statistic : effect,
    ...(ks ? { pValue: ks.pValue } : {}),
    effect,
    psi: populationStabilityIndex(reference.binShares, liveShares),
    change,
  };
}

function measureCategorical(
  reference: CategoricalBaseline,
  raw: readonly unknown[] | undefined,
  rows: number,
  rule: Rule,
): Measurement {
  const counts = countLevels(raw, rows);
  const levels = [...new Set([...Object.keys(reference.levelShares), ...counts.keys()])];
  const referenceShares = levels.map((level) => reference.levelShares[level] ?? 0);
  const liveShares = levels.map((level) => (counts.get(level) ?? 0) / rows);
  const liveMissingShare = (counts.get('') ?? 0) / rows;
  const histogram = cappedHistogram(levels, referenceShares, liveShares);
  const base = {
    name: reference.name,
    kind: 'categorical' as const,
    rule,
    rows: rows - (counts.get('') ?? 0),
    liveMissingShare,
    histogram,
    psi: populationStabilityIndex(histogram.reference, histogram.live),
  };
  if (referenceShares.every((share) => share === 0)) {
    const reason = 'Not compared: the baseline has no levels for this feature.';
    return { ...base, statistic: 0, effect: 0, change: '', verdict: { drifted: false, reason } };
  }
  const effect = jensenShannonDistance(referenceShares, liveShares);
  const chi2 =
    rule.test === 'chi2'
      ? chiSquareHomogeneity({ shares: reference.levelShares, count: reference.count }, counts)
      : undefined;
  const change = `${biggestMove(levels, referenceShares, liveShares)}, JS distance ${effect.toFixed(3)}`;
  return {
    ...base,
    statistic: chi2 ? chi2.statistic : effect,
    ...(chi2 ? { pValue: chi2.pValue } : {}),
    effect,
    change,
  };
}

/** Verdicts for every feature, with the p-values of all significance tests adjusted together. */
function decideAll(measurements: Measurement[], correction: DriftConfig['correction']): FeatureDriftResult[] {
  const tested = measurements.filter((m) => m.pValue !== undefined && !m.verdict);
  const adjusted = adjustPValues(
    tested.map((m) => m.pValue as number),
    correction,
  );
  const adjustedOf = new Map(tested.map((m, i) => [m, adjusted[i] as number]));
  return measurements.map((m) => decide(m, adjustedOf.get(m), ` after ${CORRECTION_NAMES[correction]}`));
}

function decide(m: Measurement, adjustedPValue: number | undefined, correctionNote: string): FeatureDriftResult {
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
function predictionDrift(
  reference: NumericBaseline,
  probabilities: readonly number[],
  config: DriftConfig,
  large: boolean,
): FeatureDriftResult | null {
  if (probabilities.length === 0) return null;
  const rule: Rule = large
    ? {
        test: 'wasserstein',
        threshold: config.wassersteinThreshold,
        minEffect: config.wassersteinThreshold,
        critical: false,
      }
    : { test: 'ks', threshold: config.alpha, minEffect: config.minEffectNumeric, critical: false };
  const m = measureNumeric(reference, probabilities, probabilities.length, rule);
  // A single test: nothing to correct for.
  return decide(m, m.verdict ? undefined : m.pValue, '');
}

function summarise(parts: {
  window: LiveWindow;
  features: FeatureDriftResult[];
  data: DatasetVerdict;
  config: DriftConfig;
  prediction: FeatureDriftResult | null;
  performance: DriftReport['performance'];
}): string {
  const { window, features, data, config, prediction, performance } = parts;
  const { driftedFeatures, criticalDrifted } = data;
  const k = driftedFeatures.length;
  const drifted = `${k} of ${features.length} features drifted (${nameList(driftedFeatures)})`;
  const findings: string[] = [];
  if (data.datasetDrift) {
    const critical = `, and ${nameList(criticalDrifted)} ${criticalDrifted.length > 1 ? 'are' : 'is'} critical`;
    findings.push(`dataset drift: ${drifted}${data.driftShare >= config.driftShare ? '' : critical}`);
  } else if (k > 0) {
    findings.push(`${drifted}, under the ${pct(config.driftShare)} that makes dataset drift`);
  } else findings.push('no feature drifted');
  if (prediction?.drifted) findings.push('the predicted probabilities shifted');
  if (performance?.drifted) {
    const realised = performance.rocAuc?.toFixed(3) ?? 'undefined';
    findings.push(`concept drift: ROC AUC ${realised} against ${performance.trainingRocAuc.toFixed(3)} at training`);
  }
  const rows = window.rows.toLocaleString('en-US');
  return `Over ${rows} predictions from ${window.from} to ${window.to}: ${findings.join('; ')}.`;
}

/** Non-missing values of a raw column, parsed as in training and sorted, in one typed array. */
function parsedSorted(raw: readonly unknown[] | undefined, rows: number): Float64Array {
  const values = new Float64Array(rows);
  let present = 0;
  for (let i = 0; i < rows; i++) {
    const x = parseNumeric(raw?.[i]);
    if (!Number.isNaN(x)) values[present++] = x;
  }
  return values.subarray(0, present).sort();
}

/**
 * Rows per level. A column holds a handful of levels, and comparing each value with those seen so far
 * is several times faster than hashing every string into a Map; past 16 levels the Map takes over.
 */
function countLevels(raw: readonly unknown[] | undefined, rows: number): Map<string, number> {
  const seen: string[] = [];
  const seenCounts: number[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    const level = levelOf(raw?.[i]);
    let k = 0;
    while (k < seen.length && seen[k] !== level) k++;
    if (k < seen.length) seenCounts[k] = (seenCounts[k] as number) + 1;
    else if (seen.length < SCANNED_LEVELS) {
      seen.push(level);
      seenCounts.push(1);
    } else counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  seen.forEach((level, k) => counts.set(level, seenCounts[k] as number));
  return counts;
}

/** A raw value as a category, read like the encoder reads it (src/models/features.ts). */
function levelOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // The encoder matches no level for an object; here it shows as a level of its own, so it is noticed.
  return '(not a category)';
}

/** Levels by their larger share, the rarest pooled into "other" beyond 20 labels. */
function cappedHistogram(levels: string[], reference: number[], live: number[]): Histogram {
  const order = levels
    .map((level, k) => ({ level, reference: reference[k] as number, live: live[k] as number }))
    .sort((a, b) => Math.max(b.reference, b.live) - Math.max(a.reference, a.live));
  const shown = order.length > MAX_HISTOGRAM_LEVELS ? order.slice(0, MAX_HISTOGRAM_LEVELS - 1) : order;
  const pooled = order.slice(shown.length);
  const histogram: Histogram = {
    labels: shown.map((l) => (l.level === '' ? MISSING_LABEL : l.level)),
    reference: shown.map((l) => l.reference),
    live: shown.map((l) => l.live),
  };
  if (pooled.length > 0) {
    histogram.labels.push(OTHER_LABEL);
    histogram.reference.push(pooled.reduce((sum, l) => sum + l.reference, 0));
    histogram.live.push(pooled.reduce((sum, l) => sum + l.live, 0));
  }
  return histogram;
}

/** The level whose share changed most, e.g. "'Month-to-month' rose from 55.0% to 65.0%". */
function biggestMove(levels: string[], reference: number[], live: number[]): string {
  let best = 0;
  levels.forEach((_, k) => {
    const gap = Math.abs((live[k] as number) - (reference[k] as number));
    if (gap > Math.abs((live[best] as number) - (reference[best] as number))) best = k;
  });
  const level = levels[best] as string;
  const name = level === '' ? 'missing values' : `'${level}'`;
  const from = reference[best] as number;
  const to = live[best] as number;
  if (from === 0) return `new level ${name} makes up ${pct(to)} of rows`;
  if (to === 0) return `${name} vanished (was ${pct(from)})`;
  return `${name} ${to >= from ? 'rose' : 'fell'} from ${pct(from)} to ${pct(to)}`;
}

function missingNote(reference: number, live: number): string {
  return Math.abs(live - reference) >= MISSING_NOTE_FROM ? `, missing ${pct(reference)} → ${pct(live)}` : '';
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const x of values) sum += x;
  return sum / values.length;
}

function nameList(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

function value(x: number): string {
  return String(Number(x.toPrecision(4)));
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** "p=0.03", "p=1.2e-12", or "p<1e-15" where 1 − CDF runs out of precision. */
function pValue(p: number): string {
  if (p < 1e-15) return 'p<1e-15';
  return `p=${p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(2)))}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
