import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ModelRegistry, type NewModelVersion } from '../../registry/model-registry';
import type { MonitorRunRecord } from '../../registry/monitor-runs';
import { REGISTRY_SCHEMA_UNNUMBERED } from '../fixtures/unnumbered-schemas';
import { placeholderVersion } from '../helpers/model-version';
import { tempHome } from '../helpers/paths';

const version = (workflowId: string): NewModelVersion => placeholderVersion({ workflowId });

let runs = 0;
const run = (overrides: Partial<MonitorRunRecord>): MonitorRunRecord => ({
  modelName: 'churn',
  version: 1,
  workflowId: 'drift-monitor-churn',
  runId: `run-${++runs}`,
  windowFrom: null,
  windowTo: '2026-01-01T00:00:00.000Z',
  rows: 500,
  drifted: true,
  decision: 'retrained',
  retrainWorkflowId: null,
  reportPath: null,
  reason: 'drift',
  at: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('monitor runs in the registry', () => {
  it('starts the cooldown only from a retrain that registered a version, never from a failed one', () => {
    const registry = ModelRegistry.open(tempHome('monitor-runs'));
    registry.register(version('churn-retrain-a'));
    registry.monitorRuns.record(run({ decision: 'retrained', retrainWorkflowId: 'churn-retrain-a', at: 'T1' }));
    registry.monitorRuns.record(run({ decision: 'retrain-failed', retrainWorkflowId: 'churn-retrain-b', at: 'T2' }));
    registry.monitorRuns.record(run({ decision: 'no-drift', at: 'T3' }));
    assert.equal(registry.monitorRuns.latestRetrain('churn')?.retrainWorkflowId, 'churn-retrain-a');
    assert.equal(registry.monitorRuns.latestRetrain('churn')?.at, 'T1');
    assert.equal(registry.monitorRuns.latest('churn')?.at, 'T3');
    assert.equal(registry.monitorRuns.latestRetrain('fraud'), undefined);
    registry.close();
  });

  it('starts the next window at the latest window end checked, even after a run over an earlier span', () => {
    const registry = ModelRegistry.open(tempHome('monitor-runs'));
    assert.equal(registry.monitorRuns.furthestWindowTo('churn'), null);
    registry.monitorRuns.record(run({ windowTo: '2026-12-01T01:08:31.363Z' }));
    // Run by hand over yesterday's traffic after the scheduled run: the schedule must not go back there.
    registry.monitorRuns.record(run({ windowFrom: '2026-11-30T00:00:00.000Z', windowTo: '2026-12-01T01:00:00.000Z' }));
    assert.equal(registry.monitorRuns.furthestWindowTo('churn'), '2026-12-01T01:08:31.363Z');
    // Ends stored by runs from before the input check normalised offsets compare by time, not as text.
    registry.monitorRuns.record(run({ windowTo: '2026-12-01T06:40:00+05:30' }));
    assert.equal(registry.monitorRuns.furthestWindowTo('churn'), '2026-12-01T06:40:00+05:30');
    registry.monitorRuns.record(run({ windowTo: '2026-12-01T07:00:00.000Z' }));
    assert.equal(registry.monitorRuns.furthestWindowTo('churn'), '2026-12-01T07:00:00.000Z');
    assert.equal(registry.monitorRuns.furthestWindowTo('fraud'), null);
    registry.close();
  });

  it('keeps the reason of each decision', () => {
    const registry = ModelRegistry.open(tempHome('monitor-runs'));
    registry.monitorRuns.record(run({ decision: 'drift-too-few-labels', reason: '3 new labelled records' }));
    assert.equal(registry.monitorRuns.latest('churn')?.reason, '3 new labelled records');
    registry.close();
  });

  it('opens a registry written before reasons were stored, and its old rows still read and count', () => {
    const home = tempHome('monitor-runs-old');
    mkdirSync(join(home, 'registry'));
    const old = new Database(join(home, 'registry', 'registry.sqlite'));
    old.exec(REGISTRY_SCHEMA_UNNUMBERED);
    const columns = old.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('monitor_runs')").all();
    assert.ok(
      columns.length > 0 && !columns.some((column) => column.name === 'reason'),
      'the old schema has no reason',
    );
    old
      .prepare(
        `INSERT INTO monitor_runs (model_name, version, workflow_id, run_id, window_to, rows, drifted, decision,
           retrain_workflow_id, at) VALUES ('churn', 1, 'm', 'r', 'T', 500, 1, 'retrain-started', 'churn-retrain-old', 'T0')`,
      )
      .run();
    old.close();

    const registry = ModelRegistry.open(home);
    const [row] = registry.monitorRuns.list('churn');
    assert.equal(row?.decision, 'retrain-started');
    assert.equal(row?.reason, null);
    assert.equal(registry.monitorRuns.latestRetrain('churn'), undefined, 'the old retrain registered nothing');
    registry.register(version('churn-retrain-old'));
    assert.equal(registry.monitorRuns.latestRetrain('churn')?.at, 'T0', 'an old retrain that did register counts');
    registry.monitorRuns.record(run({ reason: 'new' }));
    assert.equal(registry.monitorRuns.latest('churn')?.reason, 'new');
    registry.close();
    // A second open (a scoring server beside the worker) finds the column there and adds nothing.
    ModelRegistry.open(home).close();
  });
});
