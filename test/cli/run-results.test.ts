import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRunResult } from '../../cli/run-results';
import type { DriftMonitorResult } from '../../contracts';

const monitorResult = (rows: number): DriftMonitorResult => ({
  modelName: 'telco-churn',
  version: 1,
  drifted: false,
  datasetDrift: false,
  dataDrift: false,
  driftShare: 0,
  features: [],
  window: { rows, from: null, to: '2026-12-01T01:06:16.865Z' },
  decision: 'no-data',
  reason: 'fewer than the 100 needed to test drift',
});

describe('monitor --trigger --wait output', () => {
  it('counts the window in words that fit the number: 1 prediction, 0 or 2 predictions', () => {
    assert.ok(
      describeRunResult('driftMonitor', monitorResult(1)).includes(
        'window: 1 prediction, from the start of the log to 2026-12-01T01:06:16.865Z',
      ),
    );
    assert.ok(
      describeRunResult('driftMonitor', monitorResult(0)).includes(
        'window: 0 predictions, from the start of the log to 2026-12-01T01:06:16.865Z',
      ),
    );
    assert.deepEqual(describeRunResult('driftMonitor', monitorResult(2)).at(-1), 'report: none (nothing was tested)');
  });
});
