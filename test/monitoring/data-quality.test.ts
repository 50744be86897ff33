import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessDataQuality, isBlankLevel, trainingRange } from '../../monitoring/drift/data-quality';
import { detectDrift } from '../../monitoring/drift/detect-drift';
import { resolveDriftConfig } from '../../monitoring/drift/config';
import { renderDriftReportHtml } from '../../monitoring/report/html';
import type { DriftReport, LiveWindow, ModelBaseline, NumericBaseline } from '../../monitoring/types';

// tenure 0..72 as in Telco, a category with no blanks in training, and a numeric with 5% blanks.
const tenure: NumericBaseline = {
  name: 'tenure',
  kind: 'numeric',
  count: 100,
  missingShare: 0,
  mean: 32,
  std: 24,
  min: 0,
  max: 72,
  binEdges: [0, 9, 29, 55, 72],
  binShares: [0.25, 0.25, 0.25, 0.25],
  sample: Array.from({ length: 73 }, (_, i) => i),
};
const charges: NumericBaseline = { ...tenure, name: 'TotalCharges', missingShare: 0.05, min: 18.8, max: 8684.8 };
const BASELINE: ModelBaseline = {
  modelName: 'churn',
  rows: 100,
  features: [
    tenure,
    charges,
    {
      name: 'Contract',
      kind: 'categorical',
      count: 100,
      missingShare: 0,
      levelShares: { 'One year': 0.5, 'Two year': 0.5 },
    },
  ],
  prediction: { ...tenure, name: 'prediction', min: 0, max: 1, binEdges: [0, 1], binShares: [1], sample: [0.2, 0.4] },
  performance: { rocAuc: 0.84, logLoss: 0.42, brier: 0.14, positiveRate: 0.26 },
};

function windowOf(columns: Record<string, unknown[]>): LiveWindow {
  const rows = columns.tenure?.length ?? 0;
  return {
    rows,
    from: '2026-01-01T00:00:00.000Z',
    to: '2026-01-02T00:00:00.000Z',
    columns,
    probabilities: new Array<number>(rows).fill(0.3),
    labelled: [],
  };
}

describe('assessDataQuality', () => {
  const window = windowOf({
    tenure: [-5000, 12, 72, 79, 80, 200, null, 30, 'NaN', 5],
    TotalCharges: [100, '', '  ', 'N/A', null, 200, 300, 400, 500, 600],
    Contract: ['One year', '', null, 'NA', 'Two year', ' ', 'One year', 'One year', 'Two year', 'Two year'],
  });
  const quality = assessDataQuality(BASELINE, window);
  const byName = (name: string) => quality.features.find((f) => f.name === name);

  test('counts numbers beyond the training range by more than a tenth of its width, below and above', () => {
    // 0..72 with a margin of 7.2: -5000 is below; 79.2 is the upper limit, so 80 and 200 are above and 79 is not.
    assert.deepEqual(byName('tenure'), {
      name: 'tenure',
      kind: 'numeric',
      blanks: 2,
      blankShare: 0.2,
      trainingBlankShare: 0,
      range: [0, 72],
      belowRange: 1,
      aboveRange: 2,
      liveRange: [-5000, 200],
    });
    assert.equal(quality.outOfRange, 3);
  });

  test('counts null, empty, whitespace and spellings of missing as blanks, numeric and categorical alike', () => {
    assert.equal(byName('TotalCharges')?.blanks, 4);
    assert.equal(byName('TotalCharges')?.trainingBlankShare, 0.05);
    assert.equal(byName('Contract')?.blanks, 4);
    assert.equal(byName('Contract')?.belowRange, undefined, 'a category has no range');
    assert.equal(quality.blanks, 10);
    assert.ok(isBlankLevel('') && isBlankLevel('  ') && isBlankLevel('null') && isBlankLevel(' N/A'));
    assert.ok(!isBlankLevel('No') && !isBlankLevel('0') && !isBlankLevel('None'));
  });

  test('takes the range of a baseline stored before min and max existed from its bin edges', () => {
    const { min: _min, max: _max, ...old } = tenure;
    assert.deepEqual(trainingRange(old), [0, 72]);
    assert.equal(trainingRange({ ...old, binEdges: [] }), null);
    const oldBaseline = { ...BASELINE, features: [old] };
    assert.equal(assessDataQuality(oldBaseline, windowOf({ tenure: [-5000, 10] })).outOfRange, 1);
  });

  test('puts the counts in the drift summary, the JSON report and its data-quality section', () => {
    const report = detectDrift(BASELINE, window, resolveDriftConfig(), { modelName: 'churn', version: 1 });
    assert.match(
      report.summary,
      /data quality: tenure 3 values outside the training range 0 to 72 \(smallest -5000, largest 200\), 2 blanks \(20\.0%, training 0\.0%\), TotalCharges 4 blanks \(40\.0%, training 5\.0%\), Contract 4 blanks/,
    );
    assert.deepEqual((JSON.parse(JSON.stringify(report)) as DriftReport).dataQuality, quality);
    const html = renderDriftReportHtml(report);
    assert.match(
      html,
      /<section id="data-quality"><h2>Data quality<\/h2><p class="note">10 blank values and 3 numbers outside/,
    );
  });

  test('says nothing about data quality in the summary when every value is fine', () => {
    const clean = windowOf({
      tenure: [1, 2, 3],
      TotalCharges: [20, 30, 40],
      Contract: ['One year', 'Two year', 'One year'],
    });
    const report = detectDrift(BASELINE, clean, resolveDriftConfig(), { modelName: 'churn', version: 1 });
    assert.equal(report.dataQuality.blanks + report.dataQuality.outOfRange, 0);
    assert.doesNotMatch(report.summary, /data quality/);
  });
});
