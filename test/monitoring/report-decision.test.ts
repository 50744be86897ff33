import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeDecisionIntoReport, withDecisionSection } from '../../monitoring/report/decision';
import { tempHome } from '../helpers/paths';

// A report as checkDrift leaves it: HTML with a <main>, and its JSON beside it. (The end-to-end monitor
// tests add decisions to reports the real renderer wrote.)
function writeReport(): { htmlPath: string; jsonPath: string } {
  const dir = tempHome('report-decision');
  const htmlPath = join(dir, 'run-1.html');
  const jsonPath = join(dir, 'run-1.json');
  writeFileSync(
    htmlPath,
    '<!doctype html><html><body><header>Dataset drift: yes</header><main><section id="features"></section></main></body></html>\n',
  );
  writeFileSync(jsonPath, JSON.stringify({ modelName: 'cancer', summary: '3 of 6 features drifted' }));
  return { htmlPath, jsonPath };
}

describe('the decision in the drift report', () => {
  it('adds a Decision section to the HTML and a decision field to the JSON, the same after a second write', async () => {
    const files = writeReport();
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
    assert.equal(json.summary, '3 of 6 features drifted');
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
