import { measureNumeric } from './numeric';
import { predictionRule } from './rules';
import { decide } from './verdict';
import type { DriftConfig, FeatureDriftResult, NumericBaseline } from '../types';

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
