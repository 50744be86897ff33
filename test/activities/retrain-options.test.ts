import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retrainOptionsOf } from '../../activities/retrain-options';
import type { ModelVersionRecord } from '../../registry/types';
import { retrainLifecycleInput } from '../../workflows/retrain-input';

const version = (params: Record<string, unknown>): ModelVersionRecord =>
  ({ version: 4, target: 'malignant', positiveLabel: '1', params }) as unknown as ModelVersionRecord;

describe('the options a retrain reuses', () => {
  it('reads target, positive label, id column, seed and the gate back from the registered version', () => {
    const stored = retrainOptionsOf(
      version({ idColumn: 'sample', seed: 11, minRocAuc: 0.75, minRowsPerClass: 30, requestedAlgorithm: 'auto' }),
    );
    assert.deepEqual(stored, {
      fromVersion: 4,
      target: 'malignant',
      positiveLabel: '1',
      idColumn: 'sample',
      seed: 11,
      minRocAuc: 0.75,
      minRowsPerClass: 30,
      algorithm: 'auto',
    });
  });

  it('leaves out what a version registered before the options were stored does not have', () => {
    assert.deepEqual(retrainOptionsOf(version({ idColumn: null, seed: 42, algorithm: 'logistic' })), {
      fromVersion: 4,
      target: 'malignant',
      positiveLabel: '1',
      seed: 42,
    });
  });

  it('keeps the calibration, threshold objective and class weights training recorded, so a retrain trains alike', () => {
    const stored = retrainOptionsOf(
      version({
        calibration: { method: 'isotonic', fittedOn: 'validation', rows: 1409 },
        thresholdObjective: { metric: 'recall', target: 0.7 },
        classWeights: { requested: 'balanced', positive: 1.9, negative: 0.7 },
      }),
    );
    assert.equal(stored.calibration, 'isotonic');
    assert.deepEqual(stored.thresholdObjective, { metric: 'recall', target: 0.7 });
    assert.equal(stored.classWeights, 'balanced');
    const unweighted = retrainOptionsOf(
      version({ calibration: { method: 'none' }, thresholdObjective: { metric: 'f1' }, classWeights: null }),
    );
    assert.equal(unweighted.calibration, undefined);
    assert.deepEqual(unweighted.thresholdObjective, { metric: 'f1' });
    assert.equal(unweighted.classWeights, undefined);
    // A retrain may change them like any other option.
    const overridden = retrainLifecycleInput('m', '/d.csv', stored, { calibration: 'none', classWeights: undefined });
    assert.equal(overridden.calibration, 'none');
    assert.equal(overridden.classWeights, 'balanced');
  });

  it('lets the caller override each option, and a new target drops the old positive label', () => {
    const stored = retrainOptionsOf(version({ idColumn: 'sample', seed: 11 }));
    assert.deepEqual(retrainLifecycleInput('m', '/d.csv', stored, { seed: 5, deploy: false, idColumn: undefined }), {
      modelName: 'm',
      dataUri: '/d.csv',
      target: 'malignant',
      positiveLabel: '1',
      idColumn: 'sample',
      seed: 5,
      deploy: false,
    });
    const retargeted = retrainLifecycleInput('m', '/d.csv', stored, { target: 'benign' });
    assert.equal(retargeted.target, 'benign');
    assert.equal(retargeted.positiveLabel, undefined);
    assert.deepEqual(retrainLifecycleInput('m', '/d.csv', null), { modelName: 'm', dataUri: '/d.csv' });
  });

  it("reuses a gbdt version's algorithm and tree settings, and a caller may override each of them", () => {
    const stored = retrainOptionsOf(
      version({
        seed: 42,
        requestedAlgorithm: 'gbdt',
        gbdt: { learningRate: 0.05, maxLeaves: 8, maxBins: 255, earlyStoppingRounds: 10, note: 'x' },
      }),
    );
    assert.equal(stored.algorithm, 'gbdt');
    assert.deepEqual(stored.gbdt, { learningRate: 0.05, maxLeaves: 8, earlyStoppingRounds: 10 });
    const input = retrainLifecycleInput('m', '/d.csv', stored, { gbdt: { maxLeaves: 31 } });
    assert.deepEqual(input.gbdt, { learningRate: 0.05, maxLeaves: 31, earlyStoppingRounds: 10 });
    assert.equal(input.algorithm, 'gbdt');
  });
});
