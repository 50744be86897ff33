import { InvalidInputError } from '../../core/errors';
import type { DriftConfig, ModelBaseline } from '../types';
import type { DriftTest } from '../../contracts';

// Which test judges each feature, and against what thresholds, from the config and the window size.

export interface Rule {
  test: DriftTest;
  /** p-value level for KS / chi-square, distance threshold otherwise. */
  threshold: number;
  minEffect: number;
  critical: boolean;
}

/** A misspelt feature name in the config would silently monitor nothing: fail with the names instead. */
export function checkFeatureOverrides(baseline: ModelBaseline, config: DriftConfig): void {
  const names = new Set(baseline.features.map((f) => f.name));
  const unknown = Object.keys(config.features).filter((name) => !names.has(name));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `Drift config names ${unknown.map((n) => `'${n}'`).join(', ')}, not features of ${baseline.modelName} ` +
        `(features: ${[...names].join(', ')})`,
    );
  }
}

export function ruleFor(kind: 'numeric' | 'categorical', name: string, config: DriftConfig, large: boolean): Rule {
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

/** The predicted probabilities are not a feature, so no per-feature override can reach them. */
export function predictionRule(config: DriftConfig, large: boolean): Rule {
  return large
    ? {
        test: 'wasserstein',
        threshold: config.wassersteinThreshold,
        minEffect: config.wassersteinThreshold,
        critical: false,
      }
    : { test: 'ks', threshold: config.alpha, minEffect: config.minEffectNumeric, critical: false };
}
