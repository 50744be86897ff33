import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Papa from 'papaparse';
import type { Client } from '@temporalio/client';
import type { Workflow, WorkflowResultType } from '@temporalio/common';
import { monitorScheduleId, retrainScheduleId } from '../../schedules/schedule-ids';
import { operateSchedule, upsertSchedule } from '../../schedules/upsert-schedule';
import type { driftMonitor, mlLifecycle, scheduledRetrain } from '../../workflows';
import { withChromium } from '../helpers/chromium';
import { TELCO_CSV, TEST_OUTPUT, tempHome } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

type Row = Record<string, string>;
const telcoRows = (): Row[] => Papa.parse<Row>(readFileSync(TELCO_CSV, 'utf8').trim(), { header: true }).data;

/** Records as a client sends them: numbers for numeric columns, strings for the rest. */
function asRecord(row: Row): Record<string, unknown> {
  const numeric = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);
  return Object.fromEntries(
    Object.entries(row)
      .filter(([column]) => column !== 'customerID' && column !== 'Churn')
      .map(([column, value]) => [column, numeric.has(column) ? (value.trim() === '' ? null : Number(value)) : value]),
  );
}

/** A market that changed: everyone on monthly contracts, paying 40% more, with fibre. */
function driftedTraffic(rows: Row[], count: number, offset: number): Record<string, unknown>[] {
  return rows.slice(offset, offset + count).map((row) => ({
    ...asRecord(row),
    Contract: 'Month-to-month',
    InternetService: 'Fiber optic',
    PaymentMethod: 'Electronic check',
    MonthlyCharges: Math.round(Number(row.MonthlyCharges) * 140) / 100,
  }));
}

async function postPredictions(url: string, records: Record<string, unknown>[]): Promise<void> {
  const response = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ records }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** Triggers the schedule and waits for the run it starts (the schedule's recent actions name it). */
async function triggerAndWait<W extends Workflow = typeof driftMonitor>(
  client: Client,
  scheduleId: string,
  runsBefore: number,
): Promise<WorkflowResultType<W>> {
  await operateSchedule(client, scheduleId, 'trigger');
  const handle = client.schedule.getHandle(scheduleId);
  let started: string | undefined;
  await waitFor(
    async () => {
      started = (await handle.describe()).info.recentActions[runsBefore]?.action.workflow.workflowId;
      return started !== undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `${scheduleId} to start a run` },
  );
  return client.workflow.getHandle<W>(started ?? '').result();
}

/** Kept for the replay test: copy it to test/fixtures/ when the workflow changes on purpose. */
async function saveHistory(client: Client, scheduleId: string, index: number): Promise<void> {
  const action = (await client.schedule.getHandle(scheduleId).describe()).info.recentActions[index];
  const history = await client.workflow.getHandle(action?.action.workflow.workflowId ?? '').fetchHistory();
  mkdirSync(TEST_OUTPUT, { recursive: true });
  writeFileSync(join(TEST_OUTPUT, 'drift-monitor-history.json'), historyToJSON(history));
}

/** Opens the real report in headless Chromium: one histogram per feature, saved as a screenshot to look at. */
async function screenshotReport(htmlPath: string, features: number): Promise<void> {
  const out = join(TEST_OUTPUT, 'drift-report');
  mkdirSync(out, { recursive: true });
  copyFileSync(htmlPath, join(out, 'e2e-report.html'));
  await withChromium(async (browser) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(htmlPath).href);
    assert.equal(await page.locator('#distributions svg.histogram').count(), features);
    assert.ok((await page.locator('rect.bar').count()) > features * 4, 'bars are drawn');
    await page.screenshot({ path: join(out, 'e2e-report.png'), fullPage: true });
  });
}

describe('drift monitoring end to end: serve, drift, scheduled monitor, retrain, cooldown', () => {
  let stack: TestStack;
  const rows = telcoRows();

  before(async () => {
    stack = await startTestStack();
    const v1 = await stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: 'monitor-e2e-train',
      args: [{ modelName: 'telco-churn', dataUri: TELCO_CSV }],
    });
    assert.equal(v1.deployed, true, v1.reason);
  });
  after(async () => {
    await stack?.stop();
  });

  it('finds the drift of live traffic on a scheduled run, retrains, and the new version passes the gate and serves', async () => {
    await postPredictions(stack.scoringUrl, driftedTraffic(rows, 2000, 0));
    stack.predictionLog.flush();
    const scheduleId = monitorScheduleId('telco-churn');
    await upsertSchedule(stack.env.client, {
      scheduleId,
      every: '1h',
      workflowType: 'driftMonitor',
      // 4 of 19 features drift, under the default driftShare of 0.5: marking the pricing features critical
      // is how a user says that a change in them alone is worth a retrain.
      args: [
        {
          modelName: 'telco-churn',
          cooldown: '1h',
          config: { features: { Contract: { critical: true }, MonthlyCharges: { critical: true } } },
          // No feedback was posted: the retrain uses the original data, which this test allows.
          minNewLabelled: 0,
        },
      ],
      taskQueue: stack.taskQueue,
      note: 'e2e',
    });
    const described = await stack.env.client.schedule.getHandle(scheduleId).describe();
    assert.equal(described.policies.overlap, 'SKIP');
    assert.equal(described.policies.pauseOnFailure, true);

    const first = await triggerAndWait(stack.env.client, scheduleId, 0);
    await saveHistory(stack.env.client, scheduleId, 0);
    assert.equal(first.decision, 'retrained', first.reason);
    assert.equal(first.drifted, true);
    assert.equal(first.window.rows, 2000);
    const drifted = first.features.filter((f) => f.drifted).map((f) => f.name);
    for (const name of ['Contract', 'MonthlyCharges', 'InternetService', 'PaymentMethod']) {
      assert.ok(drifted.includes(name), `${name} in ${drifted.join(', ')}`);
    }
    assert.ok(first.reportPath && existsSync(first.reportPath), 'the HTML report is written');
    await screenshotReport(first.reportPath, first.features.length);

    // The monitor waited for its retrain: the child's result is the one it reported.
    const retrained = await stack.env.client.workflow
      .getHandle<typeof mlLifecycle>(first.retrainWorkflowId ?? '')
      .result();
    assert.equal(retrained.deployed, true, retrained.reason);
    assert.equal(retrained.version, 2);
    assert.deepEqual([first.retrain?.version, first.retrain?.deployed], [2, true]);
    assert.match(readFileSync(first.reportPath, 'utf8'), /<code>retrained<\/code>/);
    assert.equal(stack.registry.getServing('telco-churn')?.version, 2);

    await postPredictions(stack.scoringUrl, driftedTraffic(rows, 2000, 2000));
    stack.predictionLog.flush();
    const second = await triggerAndWait(stack.env.client, scheduleId, 1);
    assert.equal(second.drifted, true);
    assert.equal(second.version, 2);
    assert.equal(second.decision, 'drift-cooling-down', second.reason);
    assert.equal(second.retrainWorkflowId, undefined);
    assert.match(second.reason, /cooldown ends in/);
  });
  it('finds concept drift through feedback when the features did not change, without calling it data drift', async () => {
    const from = new Date().toISOString();
    const sample = rows.slice(3000, 4200);
    const response = await fetch(`${stack.scoringUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ records: sample.map(asRecord) }),
    });
    const { predictions } = (await response.json()) as { predictions: { id: string }[] };
    stack.predictionLog.flush();
    // The world changed: the customers the model calls loyal now leave and vice versa.
    const labels = predictions.map((p, i) => ({ id: p.id, label: sample[i]?.Churn === 'Yes' ? 'No' : 'Yes' }));
    const feedback = await fetch(`${stack.scoringUrl}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ labels }),
    });
    assert.deepEqual(((await feedback.json()) as { accepted: number }).accepted, labels.length);

    const result = await stack.env.client.workflow.execute<typeof driftMonitor>('driftMonitor', {
      taskQueue: stack.taskQueue,
      workflowId: 'monitor-e2e-concept',
      args: [{ modelName: 'telco-churn', from, retrain: false }],
    });
    assert.equal(result.window.rows, sample.length);
    assert.equal(result.dataDrift, false, JSON.stringify(result.features.filter((f) => f.drifted)));
    assert.equal(result.performance?.labelled, sample.length);
    assert.equal(result.performance?.drifted, true);
    assert.ok((result.performance?.rocAuc ?? 1) < 0.5);
    assert.equal(result.drifted, true);
    assert.equal(result.decision, 'drift-retrain-disabled');
  });

  it('retrains on a schedule only when the data changed since the serving version was trained', async () => {
    const scheduleId = retrainScheduleId('telco-churn');
    const upsert = (dataUri: string) =>
      upsertSchedule(stack.env.client, {
        scheduleId,
        every: '7d',
        workflowType: 'scheduledRetrain',
        args: [{ modelName: 'telco-churn', dataUri }],
        taskQueue: stack.taskQueue,
        note: 'e2e',
      });
    assert.equal(await upsert(TELCO_CSV), 'created');
    const unchanged = await triggerAndWait<typeof scheduledRetrain>(stack.env.client, scheduleId, 0);
    assert.equal(unchanged.skipped, true, unchanged.reason);
    assert.match(unchanged.reason, /data unchanged/);

    const updated = join(tempHome('retrain-data'), 'telco-updated.csv');
    writeFileSync(updated, readFileSync(TELCO_CSV, 'utf8').trim().split('\n').slice(0, 6501).join('\n') + '\n');
    assert.equal(await upsert(updated), 'updated');
    const changed = await triggerAndWait<typeof scheduledRetrain>(stack.env.client, scheduleId, 1);
    assert.equal(changed.skipped, false, changed.reason);
    assert.equal(changed.lifecycle?.deployed, true, changed.lifecycle?.reason);
    assert.equal(stack.registry.getServing('telco-churn')?.dataRows, 6500);
  });
});
