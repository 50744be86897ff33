import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffVersions } from '../../cli/models/diff';
import type { ModelVersionRecord } from '../../registry/types';
import { placeholderVersion } from '../helpers/model-version';

function version(n: number, overrides: Partial<ModelVersionRecord>): ModelVersionRecord {
  return {
    ...placeholderVersion(),
    version: n,
    createdAt: 'T',
    modelPath: null,
    modelSha256: null,
    expectedSha256: null,
    ...overrides,
  };
}

describe('mlcycle models diff', () => {
  it('gives metric deltas, changed params, features and levels added or removed, and the data that changed', () => {
    const from = version(1, {
      metrics: { rocAuc: 0.8, f1: 0.5 } as never,
      params: { l2: 1, seed: 7 },
      spec: {
        inputs: [
          { name: 'tenure', kind: 'numeric' },
          { name: 'Contract', kind: 'categorical' },
          { name: 'gender', kind: 'categorical' },
        ],
        numeric: [],
        categorical: [
          { name: 'Contract', levels: ['Month-to-month', 'One year'] },
          { name: 'gender', levels: ['F', 'M'] },
        ],
      },
      dataRows: 100,
    });
    const to = version(2, {
      metrics: { rocAuc: 0.85, f1: 0.45 } as never,
      params: { l2: 0.5, seed: 7 },
      spec: {
        inputs: [
          { name: 'tenure', kind: 'categorical' },
          { name: 'Contract', kind: 'categorical' },
          { name: 'MonthlyCharges', kind: 'numeric' },
        ],
        numeric: [],
        categorical: [
          { name: 'tenure', levels: ['short', 'long'] },
          { name: 'Contract', levels: ['Month-to-month', 'Two year'] },
        ],
      },
      dataRows: 150,
    });
    const diff = diffVersions(from, to);
    assert.deepEqual(
      diff.metrics.map((m) => [m.name, m.delta === null ? null : Number(m.delta.toFixed(6))]),
      [
        ['rocAuc', 0.05],
        ['f1', -0.05],
      ],
    );
    assert.deepEqual(diff.params, [{ name: 'l2', from: 1, to: 0.5 }]);
    assert.deepEqual(diff.features.added, ['MonthlyCharges']);
    assert.deepEqual(diff.features.removed, ['gender']);
    assert.deepEqual(diff.features.kindChanged, [{ name: 'tenure', from: 'numeric', to: 'categorical' }]);
    assert.deepEqual(diff.features.levels, [{ name: 'Contract', added: ['Two year'], removed: ['One year'] }]);
    assert.deepEqual(diff.data, [{ name: 'rows', from: 100, to: 150 }]);
    assert.equal(diff.target, null);
  });
});
