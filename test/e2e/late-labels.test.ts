import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DriftReport } from '../../monitoring/types';
import type { driftMonitor, mlLifecycle } from '../../workflows';
import type { DriftMonitorInput } from '../../contracts';
import { numericDataset, writeNumericDataset } from '../helpers/datasets';
import { tempHome } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';

// Labels come weeks after the predictions they judge. Here they arrive only after the monitor run
// whose window held those predictions: the next run, with no new predictions at all, must score them
// and find that the model no longer ranks the outcomes (concept drift), on a data set that is not
// Telco (numbers only, target `malignant`, 0/1 labels).

const MODEL = 'tumours';

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text) as T;
}

describe('late labels end to end: labels that arrive after their window closed reveal concept drift', () => {
  let stack: TestStack;
  let runs = 0;
  const monitor = (input: Partial<DriftMonitorInput> = {}) =>
    stack.env.client.workflow.execute<typeof driftMonitor>('driftMonitor', {
      taskQueue: stack.taskQueue,
      workflowId: `late-labels-monitor-${++runs}`,
      args: [{ modelName: MODEL, retrain: false, ...input }],
    });

  before(async () => {
    stack = await startTestStack();
    const dataUri = join(tempHome('late-labels-data'), 'tumours.csv');
    writeNumericDataset(dataUri, { rows: 2000, seed: 1 });
    const trained = await stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: 'late-labels-train',
      args: [{ modelName: MODEL, dataUri, target: 'malignant' }],
    });
    assert.equal(trained.deployed, true, trained.reason);
  });
  after(async () => {
    await stack?.stop();
  });

  it('scores the labels in the next run, whatever their prediction time, flags concept drift and counts them once', async () => {
    // Same features as in training, but the outcomes now follow the opposite relationship.
    const live = numericDataset({ rows: 600, seed: 2, relation: 'inverted' });
    const { predictions } = await post<{ predictions: { id: string }[] }>(`${stack.scoringUrl}/predict`, {
      model: MODEL,
      records: live.records,
    });
    stack.predictionLog.flush();

    const first = await monitor();
    assert.equal(first.window.rows, 600);
    assert.equal(first.performance, undefined, 'no label has arrived yet');
    assert.equal(first.dataDrift, false, JSON.stringify(first.features.filter((f) => f.drifted)));
    assert.equal(first.decision, 'no-drift', first.reason);

    // The outcomes arrive only now, after the run whose window held their predictions.
    const labels = predictions.map((p, i) => ({ id: p.id, label: live.outcomes[i] }));
    const feedback = await post<{ accepted: number }>(`${stack.scoringUrl}/feedback`, { labels });
    assert.equal(feedback.accepted, 600);

    const second = await monitor();
    assert.equal(second.window.from, first.window.to);
    assert.equal(second.window.rows, 0, 'no new predictions in this window');
    const performance = second.performance;
    assert.ok(performance, second.reason);
    assert.equal(performance.labelled, 600);
    assert.equal(performance.late, 600);
    assert.equal(performance.drifted, true);
    assert.ok((performance.rocAuc ?? 1) < 0.5, `ROC AUC ${performance.rocAuc}`);
    assert.deepEqual(performance.labelSpan, { from: first.window.to, to: second.window.to });
    const predicted = performance.predictionSpan;
    assert.ok(
      predicted && predicted.from <= predicted.to && predicted.to <= first.window.to,
      JSON.stringify(predicted),
    );
    assert.equal(second.drifted, true);
    assert.equal(second.decision, 'drift-retrain-disabled', second.reason);
    assert.match(
      second.reason,
      /: too few to test the features \(fewer than 100\); concept drift: ROC AUC 0\.\d{3} against 0\.\d{3} at training, on 600 labels \(600 for earlier predictions\)/,
    );

    assert.ok(second.reportPath && existsSync(second.reportPath), 'the report is written');
    const report = JSON.parse(readFileSync(second.reportPath.replace(/\.html$/, '.json'), 'utf8')) as DriftReport;
    assert.equal(report.performance?.late, 600);
    assert.equal(report.headline.state, 'alert');
    const html = readFileSync(second.reportPath, 'utf8');
    assert.match(html, /<span class="badge alert">Concept drift<\/span>/);
    assert.match(html, /600 predicted before this window/);

    const third = await monitor();
    assert.equal(third.performance, undefined, 'labels already scored are not scored again');
    assert.equal(third.decision, 'no-data');
  });
});
