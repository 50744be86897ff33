import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Papa from 'papaparse';
import type { Client } from '@temporalio/client';
import { monitorScheduleId } from '../../src/schedules/schedule-ids';
import { operateSchedule, upsertSchedule } from '../../src/schedules/upsert-schedule';
import type { driftMonitor, mlLifecycle } from '../../src/workflows';
import type { DriftMonitorResult } from '../../src/workflows/drift-monitor-types';
import { withChromium } from '../helpers/chromium';
import { TELCO_CSV, TEST_OUTPUT } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';

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
async function triggerAndWait(client: Client, scheduleId: string, runsBefore: number): Promise<DriftMonitorResult> {
  await operateSchedule(client, scheduleId, 'trigger');
  const handle = client.schedule.getHandle(scheduleId);
  for (let attempt = 0; attempt < 200; attempt++) {
    const actions = (await handle.describe()).info.recentActions;
    const started = actions[runsBefore]?.action.workflow.workflowId;
    if (started) return client.workflow.getHandle<typeof driftMonitor>(started).result();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${scheduleId} started no run`);
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
        },
      ],
      taskQueue: stack.taskQueue,
      note: 'e2e',
    });
    const described = await stack.env.client.schedule.getHandle(scheduleId).describe();
    assert.equal(described.policies.overlap, 'SKIP');
    assert.equal(described.policies.pauseOnFailure, true);

    const first = await triggerAndWait(stack.env.client, scheduleId, 0);
    assert.equal(first.decision, 'retrain-started', first.reason);
    assert.equal(first.drifted, true);
    assert.equal(first.window.rows, 2000);
    const drifted = first.features.filter((f) => f.drifted).map((f) => f.name);
    for (const name of ['Contract', 'MonthlyCharges', 'InternetService', 'PaymentMethod']) {
      assert.ok(drifted.includes(name), `${name} in ${drifted.join(', ')}`);
    }
    assert.ok(first.reportPath && existsSync(first.reportPath), 'the HTML report is written');
    await screenshotReport(first.reportPath, first.features.length);

    const retrained = await stack.env.client.workflow
      .getHandle<typeof mlLifecycle>(first.retrainWorkflowId ?? '')
      .result();
    assert.equal(retrained.deployed, true, retrained.reason);
    assert.equal(retrained.version, 2);
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
});
