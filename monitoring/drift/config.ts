import { InvalidInputError } from '../../core/errors';
import type { DriftConfig, FeatureDriftConfig } from '../types';
import type { DriftTest, PredictionDriftMode } from '../../contracts';

// Defaults are chosen by test/monitoring/known-truth.test.ts: windows of the training distribution
// stay quiet at 500 to 50,000 rows, while a 0.3 SD shift or a 10-point share change is caught at 5,000.
//
// Prediction drift counts in the dataset rule as one more feature by default ('feature'): a shift of
// the model's output shows that the input changes reach what the model decides, so it is evidence
// for the rule, like Evidently counting the prediction column in its drift share. It is not a trigger
// on its own by default, because an output shift with steady labels is not a worse model (the labels
// judge that: concept drift), and a retrain would learn the same mapping again. Set 'trigger' where a
// changed output is itself the alarm (say, a fixed budget of customers to call), 'report' to only show it.

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export const DEFAULT_DRIFT_CONFIG: DriftConfig = {
  alpha: 0.05,
  correction: 'bh',
  largeWindow: 10_000,
  wassersteinThreshold: 0.1,
  jensenShannonThreshold: 0.05,
  minEffectNumeric: 0.1,
  minEffectCategorical: 0.05,
  driftShare: 0.5,
  predictionDrift: 'feature',
  features: {},
  performance: { minLabelled: 200, rocAucMargin: 0.05 },
};

const TESTS: readonly DriftTest[] = ['ks', 'chi2', 'wasserstein', 'jensenshannon'];
const CORRECTIONS: readonly DriftConfig['correction'][] = ['bh', 'bonferroni'];
const PREDICTION_DRIFT_MODES: readonly PredictionDriftMode[] = ['feature', 'trigger', 'report'];
const TOP_KEYS = Object.keys(DEFAULT_DRIFT_CONFIG);
const PERFORMANCE_KEYS = Object.keys(DEFAULT_DRIFT_CONFIG.performance);
const FEATURE_KEYS = ['test', 'threshold', 'minEffect', 'critical'];

/**
 * The defaults overlaid with `partial`, every value checked. Config often comes from a JSON file, so
 * unknown keys (a typo such as `alhpa`) are errors rather than silently ignored; all problems are
 * reported at once.
 */
export function resolveDriftConfig(partial: DeepPartial<DriftConfig> = {}): DriftConfig {
  const problems: string[] = [];
  const given = asObject(partial, 'config', problems);
  unknownKeys(given, TOP_KEYS, 'config', problems);
  const performance = asObject(given.performance ?? {}, 'config.performance', problems);
  unknownKeys(performance, PERFORMANCE_KEYS, 'config.performance', problems);
  const featuresGiven = asObject(given.features ?? {}, 'config.features', problems);
  const pick = <K extends keyof DriftConfig>(key: K): unknown => given[key] ?? DEFAULT_DRIFT_CONFIG[key];
  const defaults = DEFAULT_DRIFT_CONFIG.performance;

  const config: DriftConfig = {
    alpha: probability(pick('alpha'), 'alpha', problems),
    correction: oneOf(pick('correction'), CORRECTIONS, 'correction', problems),
    largeWindow: wholeNumber(pick('largeWindow'), 1, 'largeWindow', problems),
    wassersteinThreshold: positive(pick('wassersteinThreshold'), 'wassersteinThreshold', problems),
    jensenShannonThreshold: distance(pick('jensenShannonThreshold'), 'jensenShannonThreshold', problems),
    minEffectNumeric: nonNegative(pick('minEffectNumeric'), 'minEffectNumeric', problems),
    minEffectCategorical: nonNegative(pick('minEffectCategorical'), 'minEffectCategorical', problems),
    driftShare: share(pick('driftShare'), 'driftShare', problems),
    predictionDrift: oneOf(pick('predictionDrift'), PREDICTION_DRIFT_MODES, 'predictionDrift', problems),
    features: Object.fromEntries(
      Object.entries(featuresGiven).map(([name, value]) => [name, featureConfig(value, name, problems)]),
    ),
    performance: {
      minLabelled: wholeNumber(performance.minLabelled ?? defaults.minLabelled, 0, 'performance.minLabelled', problems),
      rocAucMargin: margin(performance.rocAucMargin ?? defaults.rocAucMargin, 'performance.rocAucMargin', problems),
    },
  };
  if (problems.length > 0) throw new InvalidInputError(`Invalid drift config: ${problems.join('; ')}`);
  return config;
}

function featureConfig(value: unknown, name: string, problems: string[]): FeatureDriftConfig {
  const where = `features.${name}`;
  const given = asObject(value, where, problems);
  unknownKeys(given, FEATURE_KEYS, where, problems);
  const result: FeatureDriftConfig = {};
  if (given.test !== undefined) result.test = oneOf(given.test, TESTS, `${where}.test`, problems);
  if (given.threshold !== undefined) {
    // A p-value level must be a probability; a distance threshold need only be positive.
    const pValueTest = result.test === 'ks' || result.test === 'chi2';
    const check = pValueTest ? probability : result.test === 'jensenshannon' ? distance : positive;
    result.threshold = check(given.threshold, `${where}.threshold`, problems);
  }
  if (given.minEffect !== undefined) result.minEffect = nonNegative(given.minEffect, `${where}.minEffect`, problems);
  if (given.critical !== undefined) {
    if (typeof given.critical === 'boolean') result.critical = given.critical;
    else problems.push(`${where}.critical must be true or false, got ${show(given.critical)}`);
  }
  return result;
}

type Check = (value: unknown, name: string, problems: string[]) => number;

const numberIn =
  (test: (x: number) => boolean, expected: string): Check =>
  (value, name, problems) => {
    if (typeof value === 'number' && test(value)) return value;
    problems.push(`${name} must be ${expected}, got ${show(value)}`);
    return NaN;
  };

const probability = numberIn((x) => x > 0 && x < 1, 'a number between 0 and 1 (exclusive)');
const distance = numberIn((x) => x > 0 && x <= 1, 'a distance in (0, 1]');
const share = numberIn((x) => x > 0 && x <= 1, 'a share in (0, 1]');
const positive = numberIn((x) => x > 0 && Number.isFinite(x), 'a finite number > 0');
const nonNegative = numberIn((x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
const margin = numberIn((x) => x >= 0 && x < 1, 'a number in [0, 1)');

function wholeNumber(value: unknown, min: number, name: string, problems: string[]): number {
  return numberIn((x) => Number.isInteger(x) && x >= min, `a whole number >= ${min}`)(value, name, problems);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string, problems: string[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`);
  return allowed[0] as T;
}

function asObject(value: unknown, name: string, problems: string[]): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push(`${name} must be an object, got ${show(value)}`);
  return {};
}

function unknownKeys(given: Record<string, unknown>, known: string[], name: string, problems: string[]): void {
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) problems.push(`${name} has an unknown key '${key}' (known: ${known.join(', ')})`);
  }
}

function show(value: unknown): string {
  // JSON.stringify gives undefined for undefined and functions, which config files cannot hold anyway.
  return JSON.stringify(value) ?? 'nothing';
}
