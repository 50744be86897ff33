import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Papa from 'papaparse';
import { generateTelcoCsv } from '../../data/sample-generator';
import { parseNumeric } from '../../models/features';
import { createRng } from '../../models/random';
import type { InputColumn, RawTable } from '../../models/types';
import { buildBaseline } from '../../monitoring/baseline';
import { detectDrift } from '../../monitoring/drift/detect-drift';
import { DEFAULT_DRIFT_CONFIG, resolveDriftConfig } from '../../monitoring/drift/config';
import type { DeepPartial } from '../../monitoring/drift/config';
import type { DriftConfig, DriftReport, FeatureDriftResult, LiveWindow, ModelBaseline } from '../../monitoring/types';

const META = { modelName: 'churn', version: 3 };
const PERFORMANCE = { rocAuc: 0.84, logLoss: 0.42, brier: 0.14, positiveRate: 0.26 };
const PLANS = ['a', 'b', 'c'];
const PLAN_SHARES = [0.5, 0.3, 0.2];

interface Shape {
  /** Added to every amount, in amount units (the reference SD is about 10). */
  shift?: number;
  planShares?: number[];
  flagRate?: number;
}

function normal(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function pick(rng: () => number, levels: string[], shares: number[]): string {
  let u = rng();
  for (let k = 0; k < levels.length - 1; k++) {
    u -= shares[k] as number;
    if (u < 0) return levels[k] as string;
  }
  return levels[levels.length - 1] as string;
}

/** Rows of a small three-feature world: amount ~ N(50, 10), plan a/b/c, flag 0/1. */
function draw(rows: number, seed: number, shape: Shape = {}) {
  const rng = createRng(seed);
  const amount = Array.from(
    { length: rows },
    () => Math.round((50 + 10 * normal(rng) + (shape.shift ?? 0)) * 100) / 100,
  );
  const plan = Array.from({ length: rows }, () => pick(rng, PLANS, shape.planShares ?? PLAN_SHARES));
  const flag = Array.from({ length: rows }, () => (rng() < (shape.flagRate ?? 0.2) ? 1 : 0));
  const probability = amount.map((x) => 1 / (1 + Math.exp(-(x - 50) / 10)));
  return { amount, plan, flag, probability };
}

const INPUTS: InputColumn[] = [
  { name: 'amount', kind: 'numeric' },
  { name: 'plan', kind: 'categorical' },
  { name: 'flag', kind: 'numeric' },
];

function smallBaseline(): ModelBaseline {
  const rows = 20_000;
  const data = draw(rows, 1);
  const table: RawTable = {
    header: ['amount', 'plan', 'flag'],
    rowCount: rows,
    columns: { amount: data.amount.map(String), plan: data.plan, flag: data.flag.map(String) },
  };
  const indices = Array.from({ length: rows }, (_, i) => i);
  const spec = { inputs: INPUTS, numeric: [], categorical: [] };
  return buildBaseline(table, spec, indices, data.probability, PERFORMANCE, { modelName: 'churn', seed: 1 });
}

function windowOf(rows: number, seed: number, shape: Shape = {}): LiveWindow {
  const data = draw(rows, seed, shape);
  return {
    rows,
    from: '2026-01-01T00:00:00Z',
    to: '2026-01-02T00:00:00Z',
    columns: { amount: data.amount, plan: data.plan, flag: data.flag },
    probabilities: data.probability,
    labelled: [],
  };
}

const BASELINE = smallBaseline();

function run(window: LiveWindow, config: DeepPartial<DriftConfig> = {}, baseline = BASELINE): DriftReport {
  return detectDrift(baseline, window, resolveDriftConfig(config), META);
}

function feature(report: DriftReport, name: string): FeatureDriftResult {
  const found = report.features.find((f) => f.name === name);
  assert.ok(found, `no result for ${name}`);
  return found;
}

describe('detectDrift on an empty window', () => {
  test('finds no drift and says there is nothing to compare', () => {
    const report = run({ ...windowOf(0, 2), rows: 0 });
    assert.equal(report.drifted, false);
    assert.equal(report.datasetDrift, false);
    assert.deepEqual(report.features, []);
    assert.equal(report.prediction, null);
    assert.match(report.summary, /nothing to compare/);
  });
});

describe('detectDrift on a small window', () => {
  test('finds nothing in a window from the training distribution', () => {
    const report = run(windowOf(2000, 2));
    assert.equal(report.drifted, false);
    assert.deepEqual(report.driftedFeatures, []);
    assert.deepEqual(
      report.features.map((f) => f.test),
      ['ks', 'chi2', 'ks'],
    );
    for (const f of report.features) {
      assert.ok((f.adjustedPValue ?? 0) >= (f.pValue ?? 1), `${f.name} adjusted below raw`);
      assert.ok(f.psi < 0.02, `${f.name} psi ${f.psi}`);
      assert.match(f.reason, /^No significant change/);
    }
    assert.equal(report.modelName, 'churn');
    assert.equal(report.version, 3);
    assert.match(report.summary, /^Over 2,000 predictions from .*: no dataset drift: no feature drifted\.$/);
    assert.deepEqual(report.headline, { state: 'ok', datasetDrift: false, seen: 'no feature drifted' });
    assert.equal(report.dataQuality.blanks + report.dataQuality.outOfRange, 0, 'training-like values are clean');
  });

  test('flags a shifted numeric feature and says how far its mean moved', () => {
    const report = run(windowOf(2000, 3, { shift: 5 }), { predictionDrift: 'report' });
    const amount = feature(report, 'amount');
    assert.equal(amount.drifted, true);
    assert.ok(Math.abs(amount.effect.value - 0.5) < 0.1, `effect ${amount.effect.value}`);
    assert.match(
      amount.reason,
      /^Mean 50\.\d* → 5[45]\.\d* \(\+0\.[45]\d SD\), distribution shift 0\.\d\d SD; KS p[=<].* after BH\.$/,
    );
    assert.deepEqual(report.driftedFeatures, ['amount']);
    // One of three features is under the default dataset-drift share of one half.
    assert.equal(report.datasetDrift, false);
    assert.match(
      report.summary,
      /no dataset drift, but 1 of 3 features drifted \(amount\), predictions drifted: 1 of 3 is 33\.3%, under the 50\.0% that makes dataset drift/,
    );
  });

  test('flags a category whose share changed and names the level', () => {
    const report = run(windowOf(2000, 4, { planShares: [0.6, 0.25, 0.15] }));
    const plan = feature(report, 'plan');
    assert.equal(plan.drifted, true);
    assert.match(
      plan.reason,
      /^'a' rose from (49|50)\.\d% to 6\d\.\d%, JS distance 0\.0[5-9]\d; chi-square p.* after BH\.$/,
    );
  });

  test('gives a 0/1 feature one histogram bin per value', () => {
    const flag = feature(run(windowOf(2000, 5, { flagRate: 0.5 })), 'flag');
    assert.deepEqual(flag.histogram.labels, ['[0, 1)', '[1, 1]']);
    assert.ok(Math.abs((flag.histogram.live[1] as number) - 0.5) < 0.05);
    assert.equal(flag.drifted, true);
    assert.ok(flag.psi > 0.25, `psi ${flag.psi}`);
  });

  test('makes one critical drifted feature dataset drift', () => {
    const report = run(windowOf(2000, 3, { shift: 5 }), {
      predictionDrift: 'report',
      features: { amount: { critical: true } },
    });
    assert.equal(report.datasetDrift, true);
    assert.equal(report.drifted, true);
    assert.match(
      report.summary,
      /dataset drift: 1 of 3 features drifted \(amount\), predictions drifted; amount is critical \(1 of 3 is 33\.3%, under/,
    );
  });

  test('makes dataset drift when at least the drift share of features drifted', () => {
    const window = windowOf(2000, 6, { shift: 5, planShares: [0.7, 0.2, 0.1] });
    assert.equal(run(window, { predictionDrift: 'report' }).datasetDrift, true);
    assert.equal(run(window, { predictionDrift: 'report', driftShare: 0.7 }).datasetDrift, false);
  });

  test('corrects the feature p-values together but not the prediction test', () => {
    const window = windowOf(300, 7, { shift: 1.5 });
    const report = run(window, { correction: 'bonferroni' });
    for (const f of report.features) {
      assert.ok(Math.abs((f.adjustedPValue as number) - Math.min(1, 3 * (f.pValue as number))) < 1e-12, f.name);
    }
    assert.equal(report.prediction?.adjustedPValue, report.prediction?.pValue);
    assert.match(feature(report, 'amount').reason, /after Bonferroni/);
  });

  test('keeps a significant but negligible change quiet, even over a million rows', () => {
    // A 1-point change in a share is certain at this size, but a JS distance of 0.01 is not worth a page.
    const rows = 1_000_000;
    const plan = Array.from({ length: rows }, (_, i) => (i % 100 < 51 ? 'a' : 'b'));
    const baseline: ModelBaseline = {
      ...BASELINE,
      features: [
        { name: 'plan', kind: 'categorical', count: 1_000_000, missingShare: 0, levelShares: { a: 0.5, b: 0.5 } },
      ],
    };
    const window: LiveWindow = { ...windowOf(0, 1), rows, columns: { plan }, probabilities: [] };
    const report = run(window, { features: { plan: { test: 'chi2' } } }, baseline);
    const result = feature(report, 'plan');
    assert.ok((result.adjustedPValue as number) < 1e-10, `p=${result.adjustedPValue}`);
    assert.equal(result.drifted, false);
    assert.match(
      result.reason,
      /^'a' rose from 50\.0% to 51\.0%, JS distance 0\.00\d; chi-square p<1e-15 after BH is significant, but the JS distance is under the 0\.05 that counts\.$/,
    );
    assert.equal(report.drifted, false);
  });
});

describe('detectDrift on a large window', () => {
  test('switches to distances and judges them against the thresholds', () => {
    const quiet = run(windowOf(20_000, 8));
    assert.deepEqual(
      quiet.features.map((f) => f.test),
      ['wasserstein', 'jensenshannon', 'wasserstein'],
    );
    assert.ok(quiet.features.every((f) => f.pValue === undefined && !f.drifted));
    const shifted = feature(run(windowOf(20_000, 8, { shift: 3 })), 'amount');
    assert.equal(shifted.drifted, true);
    assert.equal(shifted.statistic, shifted.effect.value);
    assert.match(shifted.reason, /distribution shift 0\.3\d SD: at or over the 0\.1 SD threshold\.$/);
  });

  test('reports prediction drift apart from the features', () => {
    const report = run(windowOf(20_000, 9, { shift: 3 }));
    assert.equal(report.prediction?.name, 'prediction');
    assert.equal(report.prediction?.test, 'wasserstein');
    assert.equal(report.prediction?.drifted, true);
    assert.equal(run(windowOf(20_000, 9, { shift: 3 }), { predictionDrift: 'report' }).driftShare, 1 / 3);
  });
});

describe('detectDrift: prediction drift and the headline', () => {
  // amount shifts by half an SD and the predictions follow it: 1 of 3 features and the predictions drift.
  const window = windowOf(2000, 3, { shift: 5 });

  test("counts drifted predictions as one more feature of the dataset rule by default ('feature')", () => {
    const report = run(window);
    assert.equal(report.config.predictionDrift, 'feature');
    assert.deepEqual(report.counted, { drifted: 2, of: 4, predictions: true });
    assert.equal(report.driftShare, 0.5);
    assert.equal(report.datasetDrift, true);
    assert.equal(run(window, { driftShare: 0.6 }).datasetDrift, false);
  });

  test("makes drifted predictions drift on their own with 'trigger', apart from the dataset rule", () => {
    const report = run(window, { predictionDrift: 'trigger' });
    assert.equal(report.datasetDrift, false);
    assert.equal(report.drifted, true);
    assert.equal(report.headline.state, 'alert');
    assert.match(report.summary, /the prediction drift triggers on its own/);
    assert.equal(run(windowOf(2000, 2), { predictionDrift: 'trigger' }).drifted, false, 'steady predictions do not');
  });

  test("only shows drifted predictions with 'report', and the headline is amber, not 'no drift'", () => {
    const report = run(window, { predictionDrift: 'report' });
    assert.deepEqual(report.counted, { drifted: 1, of: 3, predictions: false });
    assert.equal(report.drifted, false);
    assert.deepEqual(report.headline, {
      state: 'warn',
      datasetDrift: false,
      seen: '1 of 3 features drifted, predictions drifted',
    });
    assert.match(report.summary, /: no dataset drift, but 1 of 3 features drifted \(amount\), predictions drifted: /);
  });

  test('rejects an unknown predictionDrift setting', () => {
    assert.throws(
      () => resolveDriftConfig({ predictionDrift: 'alarm' } as unknown as DeepPartial<DriftConfig>),
      /predictionDrift must be one of 'feature', 'trigger', 'report', got "alarm"/,
    );
  });
});

describe('detectDrift per-feature settings', () => {
  test('forces a test, a threshold and a minimum effect', () => {
    const window = windowOf(2000, 10, { shift: 2 });
    const forced = feature(run(window, { features: { amount: { test: 'wasserstein', threshold: 0.5 } } }), 'amount');
    assert.equal(forced.test, 'wasserstein');
    assert.equal(forced.drifted, false);
    assert.equal(feature(run(window), 'amount').drifted, true);
    const strict = feature(run(window, { features: { amount: { minEffect: 0.5 } } }), 'amount');
    assert.equal(strict.drifted, false);
    assert.equal(strict.effect.minimum, 0.5);
  });

  test('rejects a test that does not fit the feature and a feature the model does not have', () => {
    assert.throws(
      () => run(windowOf(100, 11), { features: { plan: { test: 'ks' } } }),
      /'ks' does not apply to the categorical feature 'plan'/,
    );
    assert.throws(
      () => run(windowOf(100, 11), { features: { amonut: { critical: true } } }),
      /'amonut', not features of churn/,
    );
  });
});

describe('detectDrift with odd live values', () => {
  test('reads blanks, nulls and numeric strings as training did', () => {
    const window = windowOf(1000, 12);
    window.columns.amount =
      window.columns.amount?.map((x, i) => (i % 10 === 0 ? null : i % 10 === 1 ? String(x) : x)) ?? [];
    window.columns.plan = window.columns.plan?.map((x, i) => (i % 20 === 0 ? undefined : x)) ?? [];
    const report = run(window);
    const amount = feature(report, 'amount');
    assert.equal(amount.rows, 900);
    assert.equal(amount.liveMissingShare, 0.1);
    assert.match(amount.reason, /missing 0\.0% → 10\.0%/);
    const plan = feature(report, 'plan');
    assert.equal(plan.liveMissingShare, 0.05);
    assert.ok(plan.histogram.labels.includes('(missing)'));
  });

  test('flags a numeric feature that clients stopped sending', () => {
    const window = windowOf(500, 13);
    delete window.columns.amount;
    const amount = feature(run(window), 'amount');
    assert.equal(amount.drifted, true);
    assert.match(
      amount.reason,
      /All 500 live values are missing \(0\.0% in training\): check that clients still send amount/,
    );
  });

  test('names a level never seen in training', () => {
    const window = windowOf(2000, 14);
    window.columns.plan = window.columns.plan?.map((x, i) => (i % 5 === 0 ? 'premium' : x)) ?? [];
    const plan = feature(run(window), 'plan');
    assert.equal(plan.drifted, true);
    assert.match(plan.reason, /^New level 'premium' makes up 20\.0% of rows/);
  });

  test('caps a categorical histogram at 20 labels with the rest as other', () => {
    const window = windowOf(3000, 15);
    window.columns.plan = window.columns.plan?.map((_, i) => `level-${i % 40}`) ?? [];
    const plan = feature(run(window), 'plan');
    assert.equal(plan.histogram.labels.length, 20);
    assert.equal(plan.histogram.labels[19], 'other');
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum(plan.histogram.live) - 1) < 1e-9 && Math.abs(sum(plan.histogram.reference) - 1) < 1e-9);
  });

  test('produces a report that survives JSON unchanged', () => {
    const window = windowOf(500, 16, { shift: 4 });
    delete window.columns.flag;
    const report = run(window);
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });
});

describe('detectDrift with labelled feedback', () => {
  test('reports concept drift from labels even when the features are unchanged', () => {
    const window = windowOf(1000, 17);
    const rng = createRng(17);
    window.labelled = window.probabilities.map((probability) => ({ probability, label: rng() < 0.3 ? 1 : 0 }));
    const report = run(window);
    assert.equal(report.datasetDrift, false);
    assert.equal(report.performance?.drifted, true);
    assert.equal(report.drifted, true);
    assert.match(report.summary, /concept drift: ROC AUC 0\.\d{3} against 0\.840 at training/);
  });
});

// How long this takes is measured by `npm run bench:drift`, not here.
describe('detectDrift at scale', () => {
  test('tests all 19 Telco features of a 100,000-row window drawn like the reference and finds no dataset drift', () => {
    const parse = (rows: number, seed: number) => {
      const [header = [], ...data] = Papa.parse<string[]>(generateTelcoCsv({ rows, seed }), {
        skipEmptyLines: true,
      }).data;
      return { header, data };
    };
    const numeric = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);
    const reference = parse(7043, 1);
    const names = reference.header.filter((name) => name !== 'customerID' && name !== 'Churn');
    const inputs = names.map((name): InputColumn => ({ name, kind: numeric.has(name) ? 'numeric' : 'categorical' }));
    const columnOf = (rows: string[][], header: string[], name: string) =>
      rows.map((row) => row[header.indexOf(name)] ?? '');
    const table: RawTable = {
      header: reference.header,
      rowCount: reference.data.length,
      columns: Object.fromEntries(names.map((name) => [name, columnOf(reference.data, reference.header, name)])),
    };
    const indices = reference.data.map((_, i) => i);
    const spec = { inputs, numeric: [], categorical: [] };
    const probabilities = indices.map((i) => (i % 97) / 97);
    const baseline = buildBaseline(table, spec, indices, probabilities, PERFORMANCE, { modelName: 'churn', seed: 1 });

    // Built as the prediction log builds it: one JSON record per row, parsed back into columns.
    const live = parse(100_000, 2);
    const columns: Record<string, unknown[]> = Object.fromEntries(names.map((name) => [name, []]));
    for (const row of live.data) {
      const record = Object.fromEntries(
        inputs.map(({ name, kind }) => {
          const cell = row[live.header.indexOf(name)] ?? '';
          return [name, kind === 'numeric' ? (Number.isNaN(parseNumeric(cell)) ? null : parseNumeric(cell)) : cell];
        }),
      );
      const parsed = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
      for (const name of names) columns[name]?.push(parsed[name]);
    }
    const window: LiveWindow = {
      rows: live.data.length,
      from: 'a',
      to: 'b',
      columns,
      probabilities: live.data.map((_, i) => (i % 89) / 89),
      labelled: [],
    };
    const config = resolveDriftConfig();
    const report = detectDrift(baseline, window, config, META);
    assert.equal(report.features.length, 19);
    assert.equal(report.datasetDrift, false);
  });
});

describe('resolveDriftConfig', () => {
  test('gives the documented defaults and a fresh copy each time', () => {
    const config = resolveDriftConfig();
    assert.deepEqual(config, DEFAULT_DRIFT_CONFIG);
    config.features.x = { critical: true };
    config.performance.minLabelled = 1;
    assert.deepEqual(DEFAULT_DRIFT_CONFIG.features, {});
    assert.equal(DEFAULT_DRIFT_CONFIG.performance.minLabelled, 200);
  });

  test('overlays a partial config, nested values included', () => {
    const config = resolveDriftConfig({
      correction: 'bonferroni',
      performance: { rocAucMargin: 0.1 },
      features: { tenure: { test: 'wasserstein', threshold: 0.2 } },
    });
    assert.equal(config.correction, 'bonferroni');
    assert.deepEqual(config.performance, { minLabelled: 200, rocAucMargin: 0.1 });
    assert.deepEqual(config.features, { tenure: { test: 'wasserstein', threshold: 0.2 } });
    assert.equal(config.alpha, 0.05);
  });

  test('names every invalid value and unknown key at once', () => {
    const bad = {
      alpha: 1.5,
      correction: 'holm',
      largeWindow: 2.5,
      alhpa: 0.01,
      performance: { minLabelled: -1 },
      features: { tenure: { test: 'ks', threshold: 2, critical: 'yes' } },
    } as unknown as DeepPartial<DriftConfig>;
    assert.throws(
      () => resolveDriftConfig(bad),
      (error: Error) => {
        assert.equal(error.name, 'InvalidInputError');
        for (const part of [
          'alpha must be a number between 0 and 1 (exclusive), got 1.5',
          "correction must be one of 'bh', 'bonferroni', got \"holm\"",
          'largeWindow must be a whole number >= 1, got 2.5',
          "config has an unknown key 'alhpa'",
          'performance.minLabelled must be a whole number >= 0, got -1',
          'features.tenure.threshold must be a number between 0 and 1 (exclusive), got 2',
          'features.tenure.critical must be true or false, got "yes"',
        ]) {
          assert.ok(error.message.includes(part), `missing "${part}" in: ${error.message}`);
        }
        return true;
      },
    );
  });
});
