import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ArtifactStore } from '../../registry/artifact-store';
import { ModelRegistry, type NewModelVersion } from '../../registry/model-registry';
import { tempHome } from '../helpers/paths';

function entry(overrides: Partial<NewModelVersion> = {}): NewModelVersion {
  return {
    modelName: 'churn',
    artifactPath: '/a.onnx',
    artifactSha256: 'a'.repeat(64),
    expectedPath: '/e.json',
    spec: {
      inputs: [{ name: 'tenure', kind: 'numeric' }],
      numeric: [{ name: 'tenure', impute: 1, mean: 2, std: 3 }],
      categorical: [],
    },
    threshold: 0.4,
    target: 'Churn',
    positiveLabel: 'Yes',
    dataUri: '/d.csv',
    dataSha256: 'd'.repeat(64),
    dataRows: 7043,
    params: { l2: 1 },
    metrics: {
      rocAuc: 0.84,
      prAuc: 0.6,
      accuracy: 0.8,
      precision: 0.6,
      recall: 0.5,
      f1: 0.55,
      logLoss: 0.41,
      brier: 0.13,
      threshold: 0.4,
      confusion: { tp: 1, fp: 2, tn: 3, fn: 4 },
      rows: 10,
      positives: 5,
    },
    packageVersion: '0.1.0',
    gitCommit: null,
    workflowId: 'wf-1',
    runId: 'run-1',
    ...overrides,
  };
}

describe('ModelRegistry', () => {
  it('numbers versions per model name from 1 and keeps everything it was given', () => {
    const registry = ModelRegistry.open(tempHome('registry'));
    const first = registry.register(entry());
    const second = registry.register(entry({ runId: 'run-2' }));
    const other = registry.register(entry({ modelName: 'fraud', runId: 'run-3' }));
    assert.equal(first.record.version, 1);
    assert.equal(second.record.version, 2);
    assert.equal(other.record.version, 1);
    const stored = registry.getVersion('churn', 1);
    assert.deepEqual(stored?.spec, entry().spec);
    assert.equal(stored?.metrics.rocAuc, 0.84);
    assert.equal(stored?.dataRows, 7043);
    assert.match(stored?.createdAt ?? '', /^\d{4}-\d{2}-\d{2}T/);
    registry.close();
  });

  it('returns the same version when the same workflow run registers again, as an activity retry does', () => {
    const registry = ModelRegistry.open(tempHome('registry'));
    const first = registry.register(entry());
    const retry = registry.register(entry());
    assert.equal(retry.created, false);
    assert.equal(retry.record.version, first.record.version);
    assert.equal(registry.listVersions('churn').length, 1);
    registry.close();
  });

  it('records which version serves, and every promotion and rejection', () => {
    const registry = ModelRegistry.open(tempHome('registry'));
    registry.register(entry());
    registry.register(entry({ runId: 'run-2' }));
    assert.equal(registry.getServing('churn'), undefined);
    registry.markServing('churn', 1, 'smoke test passed');
    registry.markRejected('churn', 2, 'smoke test failed');
    assert.equal(registry.getServing('churn')?.version, 1);
    registry.markServing('churn', 2, 'smoke test passed');
    assert.equal(registry.getServing('churn')?.version, 2);
    assert.deepEqual(
      registry.listDeployments('churn').map((d) => [d.version, d.outcome]),
      [
        [1, 'serving'],
        [2, 'rejected'],
        [2, 'serving'],
      ],
    );
    assert.throws(() => registry.markServing('churn', 9, 'x'), /has no version 9/);
    registry.close();
  });

  it('survives a reopen: a second process sees the same versions and serving pointer', () => {
    const home = tempHome('registry');
    const registry = ModelRegistry.open(home);
    registry.register(entry());
    registry.markServing('churn', 1, 'ok');
    registry.close();
    const reopened = ModelRegistry.open(home);
    assert.equal(reopened.getServing('churn')?.version, 1);
    assert.deepEqual(reopened.listModelNames(), ['churn']);
    reopened.close();
  });
});

describe('ArtifactStore', () => {
  it('stores bytes under their sha256, once, leaving no temporary files', async () => {
    const root = tempHome('artifacts');
    const store = new ArtifactStore(root);
    const bytes = new TextEncoder().encode('model bytes');
    const first = await store.put('churn', bytes, '.onnx');
    const again = await store.put('churn', bytes, '.onnx');
    assert.equal(first.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(again.path, first.path);
    assert.equal(readFileSync(first.path, 'utf8'), 'model bytes');
    assert.deepEqual(readdirSync(`${root}/churn`), [`${first.sha256}.onnx`]);
  });
});
