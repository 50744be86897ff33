import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WorkflowResultType } from '@temporalio/common';
import { triggerAndFindRun } from '../../cli/triggered-run';
import { retrainScheduleId } from '../../schedules/schedule-ids';
import { upsertSchedule } from '../../schedules/upsert-schedule';
import type { driftMonitor, mlLifecycle, scheduledRetrain } from '../../workflows';
import type { DriftMonitorInput } from '../../contracts';
import type { ScheduledRetrainInput } from '../../contracts';
import { ML_STEP } from '../../workflows/search-attributes';
import {
  type DatasetOptions,
  type GeneratedDataset,
  writeNumericDataset,
  writeYesNoDataset,
} from '../helpers/datasets';
import { tempHome } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';

// The train → serve → monitor → retrain loop with data that is not Telco: another target name, 0/1 or
// yes/no labels, no `Churn` anywhere. Real Temporal server, worker, scoring server, registry and files.

interface DataCase {
  title: string;
  model: string;
  target: string;
  positiveLabel: string;
  idColumn?: string;
  write: (path: string, options: DatasetOptions) => GeneratedDataset;
  /** A shift of most features, far enough that the monitor calls it drift against any baseline here. */
  shift: Record<string, number>;
}

const CASES: DataCase[] = [
  {
    title: 'numbers only, target "malignant" with 0/1 labels',
    model: 'cancer',
    target: 'malignant',
    positiveLabel: '1',
    write: writeNumericDataset,
    shift: { radius_mean: 2.5, texture_mean: 2.5, smoothness_mean: 2.5, concavity_mean: 2.5 },
  },
  {
    title: 'numbers and categories, target "subscribed" with yes/no labels',
    model: 'subscription',
    target: 'subscribed',
    positiveLabel: 'yes',
    idColumn: 'client_id',
    write: writeYesNoDataset,
    shift: { age: 2.5, balance: 2.5, duration: 2.5, job: 0.6, contact: 0.6 },
  },
];

// Sensitive settings, so a shift of most features is drift whatever the baseline has seen.
const DRIFT_CONFIG = { driftShare: 0.3 };

describe('the retrain loop with data that is not Telco', () => {
  let stack: TestStack;
  const dir = tempHome('retrain-any-data');

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.stop();
  });

  const train = (id: string, input: Parameters<typeof mlLifecycle>[0]) =>
    stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: id,
      args: [input],
    });

  const monitor = (model: string, run: string, input: Omit<DriftMonitorInput, 'modelName'>) =>
    stack.env.client.workflow.execute<typeof driftMonitor>('driftMonitor', {
      taskQueue: stack.taskQueue,
      workflowId: `${model}-monitor-${run}`,
      args: [{ modelName: model, config: DRIFT_CONFIG, ...input }],
    });

  /** Creates or updates the retrain schedule, triggers it and returns the run's handle and result. */
  async function scheduledRun(input: ScheduledRetrainInput) {
    const scheduleId = retrainScheduleId(input.modelName);
    await upsertSchedule(stack.env.client, {
      scheduleId,
      every: '7d',
      workflowType: 'scheduledRetrain',
      args: [input],
      taskQueue: stack.taskQueue,
      note: 'e2e',
    });
    const handle = await triggerAndFindRun(stack.env.client, scheduleId, () => undefined);
    const result = (await handle.result()) as WorkflowResultType<typeof scheduledRetrain>;
    const schedule = await stack.env.client.schedule.getHandle(scheduleId).describe();
    return { result, paused: schedule.state.paused };
  }

  /** Scores the records through /predict, so they are logged; returns the prediction ids. */
  async function predict(model: string, records: GeneratedDataset['records']): Promise<string[]> {
    const response = await fetch(`${stack.scoringUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, records }),
    });
    const body = (await response.json()) as { predictions: { id: string }[] };
    assert.equal(response.status, 200, JSON.stringify(body));
    stack.predictionLog.flush();
    return body.predictions.map((p) => p.id);
  }

  async function feedback(ids: string[], labels: GeneratedDataset['labels']): Promise<void> {
    const response = await fetch(`${stack.scoringUrl}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ labels: ids.map((id, i) => ({ id, label: labels[i] })) }),
    });
    assert.equal(((await response.json()) as { accepted: number }).accepted, ids.length);
  }

  for (const data of CASES) {
    describe(data.title, () => {
      const { model, target, positiveLabel } = data;
      const original = join(dir, `${model}-original.csv`);
      const changed = join(dir, `${model}-changed.csv`);

      before(async () => {
        data.write(original, { rows: 1000, seed: 1 });
        const v1 = await train(`${model}-train`, {
          modelName: model,
          dataUri: original,
          target,
          positiveLabel,
          ...(data.idColumn ? { idColumn: data.idColumn } : {}),
          minRocAuc: 0.55,
          // Kept with the version, so every retrain below faces it. The drifted traffic carries values far
          // outside the training range, which moves log loss more than ranking; this loop is judged by rank.
          promotion: { metric: 'rocAuc', minDelta: -0.02, guards: [] },
        });
        assert.equal(v1.deployed, true, v1.reason);
      });

      it("retrains on a schedule with the version's target only when the data changed, and a failed retrain neither blocks the next nor reads as success", async () => {
        const unchanged = await scheduledRun({ modelName: model, dataUri: original });
        assert.equal(unchanged.result.outcome, 'skipped', unchanged.result.reason);
        assert.match(unchanged.result.reason, /data unchanged .* serving version v1 was trained on/);

        // A retrain that fails: the override names a column the data does not have.
        data.write(changed, { rows: 1200, seed: 2 });
        const failing = await scheduledRun({ modelName: model, dataUri: changed, target: 'no_such_column' });
        assert.equal(failing.result.outcome, 'failed', failing.result.reason);
        assert.equal(failing.result.skipped, false);
        assert.equal(failing.result.lifecycle, undefined);
        assert.match(failing.result.reason, /InvalidDataError: .*missing-target.*no_such_column/s);
        assert.equal(failing.paused, false, 'the schedule keeps running');
        assert.equal(stack.registry.listVersions(model).length, 1, 'nothing was registered');

        // The same data again, now with the version's own target: it trains, under the same run id.
        const retried = await scheduledRun({ modelName: model, dataUri: changed });
        assert.equal(retried.result.outcome, 'retrained', retried.result.reason);
        assert.equal(retried.result.lifecycleWorkflowId, failing.result.lifecycleWorkflowId);
        const v2 = stack.registry.getServing(model);
        assert.equal(v2?.version, 2);
        assert.equal(v2?.target, target);
        assert.equal(v2?.positiveLabel, positiveLabel);
        assert.equal(v2?.dataRows, 1200);
        assert.equal(v2?.params.idColumn ?? null, data.idColumn ?? null);
        assert.equal(v2?.params.minRocAuc, 0.55, 'the gate of v1 came along');

        const again = await scheduledRun({ modelName: model, dataUri: changed });
        assert.equal(again.result.outcome, 'skipped', again.result.reason);
      });

      it('on drift: too few new labels holds off, a failed retrain starts no cooldown, a retrain on the new labels serves, then the cooldown holds', async () => {
        const traffic = (seed: number) =>
          data.write(join(dir, `${model}-traffic-${seed}.csv`), {
            rows: 300,
            seed,
            shift: data.shift,
          });

        const labelled = traffic(11);
        await feedback(await predict(model, labelled.records), labelled.labels);
        const short = await monitor(model, 'few-labels', { minNewLabelled: 1000 });
        assert.equal(short.decision, 'drift-too-few-labels', short.reason);
        assert.match(short.reason, /not retraining: 300 new labelled live records, fewer than the minimum of 1000/);
        assert.equal(short.retrain?.newLabelled, 300);
        assert.match(readFileSync(short.reportPath ?? '', 'utf8'), /<code>drift-too-few-labels<\/code>/);

        // The retrain's data does not validate: the monitor reports the failure, not a success.
        await predict(model, traffic(12).records);
        const unusable = join(dir, `${model}-unusable.csv`);
        writeFileSync(unusable, 'a,b\n1,2\n3,4\n');
        const failedRun = `${model}-monitor-failed-retrain`;
        const failed = await monitor(model, 'failed-retrain', {
          retrainPolicy: { mode: 'dataUri', dataUri: unusable },
        });
        assert.equal(failed.decision, 'retrain-failed', failed.reason);
        assert.match(failed.reason, /InvalidDataError: .*unusable\.csv is not usable for training/);
        assert.match(failed.retrain?.error ?? '', /not usable for training/);
        assert.equal(failed.retrain?.version, undefined);
        assert.equal(stack.registry.listVersions(model).length, 2, 'nothing was registered');
        const described = await stack.env.client.workflow.getHandle(failedRun).describe();
        assert.equal(described.typedSearchAttributes.get(ML_STEP), 'retrain-failed');
        const report = JSON.parse(readFileSync((failed.reportPath ?? '').replace(/\.html$/, '.json'), 'utf8')) as {
          decision: { decision: string; reason: string };
        };
        assert.equal(report.decision.decision, 'retrain-failed');
        assert.equal(stack.registry.monitorRuns.latest(model)?.decision, 'retrain-failed');

        // No cooldown after the failure: the next drift retrains, on v2's data plus the 300 new labels.
        await predict(model, traffic(13).records);
        const retrained = await monitor(model, 'retrain', { cooldown: '6h' });
        assert.equal(retrained.decision, 'retrained', retrained.reason);
        assert.deepEqual(
          [retrained.retrain?.newLabelled, retrained.retrain?.knownLabelled, retrained.retrain?.rows],
          [300, 0, 1500],
        );
        assert.match(retrained.reason, /retrained on 1500 rows \(300 new labelled live records\)/);
        const v3 = stack.registry.getServing(model);
        assert.equal(v3?.version, 3);
        assert.equal(retrained.retrain?.version, 3);
        assert.deepEqual([v3?.target, v3?.positiveLabel, v3?.dataRows], [target, positiveLabel, 1500]);
        assert.deepEqual(v3?.params.promotion, { metric: 'rocAuc', minDelta: -0.02, guards: [] }, 'the rule is kept');

        // A registered version starts the cooldown.
        await predict(model, traffic(14).records);
        const cooling = await monitor(model, 'cooling', { cooldown: '6h' });
        assert.equal(cooling.decision, 'drift-cooling-down', cooling.reason);
        assert.match(cooling.reason, new RegExp(`${retrained.retrainWorkflowId ?? '?'} retrained \\d+ min ago`));
      });
    });
  }
});
