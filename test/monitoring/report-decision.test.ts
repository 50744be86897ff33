import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { writeDecisionIntoReport, withDecisionSection } from '../../src/monitoring/report-decision';
import { writeDriftReport } from '../../src/monitoring/report-files';
import type { DriftReport } from '../../src/monitoring/types';
import { tempHome } from '../helpers/paths';

// The smallest report the renderer takes: no features, no predictions, no labels.
const report = {
  modelName: 'cancer',
  version: 2,
  window: { rows: 500, from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
  drifted: true,
  datasetDrift: true,
  driftShare: 0.5,
  driftedFeatures: [],
  features: [],
  summary: '3 of 6 features drifted',
  config: { alpha: 0.05, correction: 'bh', driftShare: 0.5 },
} as unknown as DriftReport;

describe('the decision in the drift report', () => {
  it('adds a Decision section to the HTML and a decision field to the JSON, the same after a second write', async () => {
    const files = await writeDriftReport(tempHome('report-decision'), report, 'run-1');
    const decision = {
      decision: 'retrain-failed' as const,
      reason: '3 of 6 features drifted; retrain cancer-retrain-x failed: [missing-target] column "malignant"',
      retrainWorkflowId: 'cancer-retrain-x',
    };
    await writeDecisionIntoReport(files.htmlPath, files.jsonPath, decision);
    const once = readFileSync(files.htmlPath, 'utf8');
    assert.match(once, /<section id="decision"><h2>Decision<\/h2>/);
    assert.match(once, /Drift: the retrain failed<\/span> <code>retrain-failed<\/code>/);
    assert.match(once, /failed: \[missing-target\] column &quot;malignant&quot;/);
    assert.match(once, /Retrain run: <code>cancer-retrain-x<\/code>/);
    assert.ok(once.indexOf('id="decision"') < once.indexOf('id="features"'), 'the decision leads the report');

    await writeDecisionIntoReport(files.htmlPath, files.jsonPath, decision);
    assert.equal(readFileSync(files.htmlPath, 'utf8'), once, 'a retried write changes nothing');
    const json = JSON.parse(readFileSync(files.jsonPath, 'utf8')) as { decision: unknown; summary: string };
    assert.deepEqual(json.decision, decision);
    assert.equal(json.summary, report.summary);
  });

  it('replaces an earlier decision instead of adding a second, and escapes what it shows', () => {
    const html = '<html><body><main><section id="features"></section></main></body></html>';
    const first = withDecisionSection(html, { decision: 'no-drift', reason: 'all quiet' });
    const second = withDecisionSection(first, { decision: 'drift-cooling-down', reason: '<b>cooling</b>' });
    assert.equal(second.match(/id="decision"/g)?.length, 1);
    assert.ok(!second.includes('all quiet'));
    assert.match(second, /&lt;b&gt;cooling&lt;\/b&gt;/);
    assert.match(
      second,
      /<span class="badge alert">Drift: cooling down after the last retrain, not retraining<\/span>/,
    );
  });
});
