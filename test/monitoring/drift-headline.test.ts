import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { datasetVerdict, headlineOf } from '../../monitoring/drift/dataset-verdict';
import { summarise } from '../../monitoring/drift/summary';
import { resolveDriftConfig } from '../../monitoring/drift/config';
import type { FeatureDriftResult, PerformanceResult } from '../../monitoring/types';
import type { PredictionDriftMode } from '../../contracts';

// The case reported in issue 6: 3 of 19 Telco features drifted (PSI 3.07, 2.66, 0.34) and the
// predictions drifted (PSI 1.25), under the default rule of half the features.

function result(name: string, drifted: boolean, psi = 0.01): FeatureDriftResult {
  return {
    name,
    kind: 'numeric',
    test: 'wasserstein',
    statistic: drifted ? 0.5 : 0.01,
    effect: { measure: 'wasserstein', value: drifted ? 0.5 : 0.01, minimum: 0.1 },
    psi,
    drifted,
    critical: false,
    reason: '',
    rows: 2000,
    liveMissingShare: 0,
    histogram: { labels: [], reference: [], live: [] },
  };
}

const PSI = [3.07, 2.66, 0.34];
const features = Array.from({ length: 19 }, (_, i) => result(`f${i}`, i < 3, PSI[i]));
const prediction = result('prediction', true, 1.25);

function headline(mode: PredictionDriftMode, performance: PerformanceResult | null = null) {
  const config = resolveDriftConfig({ predictionDrift: mode });
  const data = datasetVerdict(features, prediction, config);
  return { data, headline: headlineOf({ data, features: features.length, prediction, performance }) };
}

describe('the headline of the report in issue 6', () => {
  test('says "no" to dataset drift and, beside it, in amber, that 3 of 19 features and the predictions drifted', () => {
    const { data, headline: seen } = headline('feature');
    assert.deepEqual(data.counted, { drifted: 4, of: 20, predictions: true });
    assert.equal(data.datasetDrift, false);
    assert.deepEqual(seen, {
      state: 'warn',
      datasetDrift: false,
      seen: '3 of 19 features drifted, predictions drifted',
    });
  });

  test('is red when the predictions are their own trigger, and amber when they are only reported', () => {
    assert.equal(headline('trigger').headline.state, 'alert');
    assert.equal(headline('trigger').data.predictionTrigger, true);
    assert.equal(headline('report').headline.state, 'warn');
    assert.deepEqual(headline('report').data.counted, { drifted: 3, of: 19, predictions: false });
  });

  test('is red with concept drift even when the features are under the rule', () => {
    const concept = { drifted: true } as PerformanceResult;
    assert.equal(headline('feature', concept).headline.state, 'alert');
    assert.equal(headline('feature', concept).headline.datasetDrift, false);
  });

  test("gives the monitor's reason the same words", () => {
    const config = resolveDriftConfig();
    const { data, headline: seen } = headline('feature');
    const window = { rows: 2000, from: 'A', to: 'B', columns: {}, probabilities: [], labelled: [] };
    const quality = { rows: 2000, blanks: 0, outOfRange: 0, features: [] };
    const first = { ...window, from: '1970-01-01T00:00:00.000Z' };
    assert.match(
      summarise({ window: first, features, data, config, headline: seen, performance: null, dataQuality: quality }),
      /^Over 2,000 predictions from the start of the log to B: /,
    );
    assert.equal(
      summarise({ window, features, data, config, headline: seen, performance: null, dataQuality: quality }),
      'Over 2,000 predictions from A to B: no dataset drift, but 3 of 19 features drifted (f0, f1, f2), ' +
        'predictions drifted: 4 of 20 counting the predictions is 20.0%, under the 50.0% that makes dataset drift.',
    );
  });
});
