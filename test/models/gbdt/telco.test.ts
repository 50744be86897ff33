import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { encodeTreeRecords } from '../../../models/gbdt/design';
import { exportGbdtToOnnx } from '../../../models/gbdt/onnx-export';
import { predictGbdtProba } from '../../../models/gbdt/predict';
import { trainGbdtModel, type GbdtFitted } from '../../../models/gbdt/train';
import type { GbdtModel } from '../../../models/gbdt/types';
import { parseNumeric } from '../../../models/features';
import { checkOnnxMatches } from '../../../models/onnx-check';
import { OnnxScorer } from '../../../models/onnx-scorer';
import { trainChosenModel } from '../../../models/train-chosen';
import type { FeatureSpec, InputColumn, RawRecord, RawTable } from '../../../models/types';
import { readTelco } from './telco';

const meta = { modelName: 'telco-gbdt', producerVersion: '0.1.0' };

function recordAt(table: RawTable, inputs: InputColumn[], row: number): RawRecord {
  return Object.fromEntries(
    inputs.map(({ name, kind }) => {
      const raw = table.columns[name]?.[row] ?? '';
      const value = parseNumeric(raw);
      return [name, kind === 'numeric' ? (Number.isNaN(value) ? null : value) : raw];
    }),
  );
}

async function onnxAgrees(spec: FeatureSpec, model: GbdtModel, records: RawRecord[]) {
  const scorer = await OnnxScorer.fromBytes(exportGbdtToOnnx(spec, model, meta));
  try {
    const expected = predictGbdtProba(model, encodeTreeRecords(spec, records));
    return await checkOnnxMatches(scorer, spec.inputs, records, expected, 1e-5);
  } finally {
    await scorer.release();
  }
}

describe('gbdt on the Telco churn data', () => {
  let table: RawTable;
  let inputs: InputColumn[];
  let fit: GbdtFitted;
  before(async () => {
    ({ table, inputs } = await readTelco());
    fit = trainGbdtModel(table, { target: 'Churn', positiveLabel: 'Yes', inputs, seed: 42 });
  });

  it('reaches a test ROC AUC of at least 0.84 with the default settings', () => {
    assert.ok(fit.metrics.rocAuc >= 0.84, `test ROC AUC ${fit.metrics.rocAuc}`);
    assert.ok(fit.model.trees.length > 5, `${fit.model.trees.length} trees`);
  });

  it('exports an ONNX model whose probabilities on every test row match training within 1e-5', async () => {
    const records = fit.split.test.map((row) => recordAt(table, inputs, row));
    const check = await onnxAgrees(fit.spec, fit.model, records);
    assert.equal(check.rows, fit.split.test.length);
    // The same numbers as the trainer's own test probabilities, not only the same function.
    const expected = predictGbdtProba(fit.model, encodeTreeRecords(fit.spec, records));
    expected.forEach((p, i) => assert.ok(Math.abs(p - (fit.testProbabilities[i] as number)) < 1e-12));
  });

  it('matches ONNX on blanks, unseen categories, values at every split threshold and its float32 neighbours', async () => {
    const base = recordAt(table, inputs, fit.split.test[0] as number);
    const records: RawRecord[] = [
      Object.fromEntries(inputs.map(({ name, kind }) => [name, kind === 'numeric' ? null : ''])),
      { ...base, Contract: 'Three year', PaymentMethod: 'Bitcoin', tenure: null },
      {},
    ];
    // Raw values that land just on each side of thresholds on the standardised scale.
    for (const tree of fit.model.trees.slice(0, 10)) {
      tree.left.forEach((left, n) => {
        const feature = fit.spec.numeric[tree.feature[n] as number];
        if (left < 0 || !feature || tree.feature[n] !== fit.spec.numeric.indexOf(feature)) return;
        const raw = (tree.threshold[n] as number) * feature.std + feature.mean;
        for (const x of [raw, Math.fround(raw), raw * (1 + 1e-7), raw * (1 - 1e-7)]) {
          records.push({ ...base, [feature.name]: x });
        }
      });
    }
    const check = await onnxAgrees(fit.spec, fit.model, records);
    assert.ok(check.rows > 20, `${check.rows} rows`);
  });

  it('with auto, trains both and keeps the one with the higher validation ROC AUC, recording both', () => {
    const chosen = trainChosenModel(table, {
      target: 'Churn',
      positiveLabel: 'Yes',
      inputs,
      seed: 42,
      algorithm: 'auto',
    });
    const auto = chosen.params.autoChoice as {
      by: string;
      candidates: Record<'logistic' | 'gbdt', { rocAuc: number; logLoss: number }>;
    };
    assert.equal(auto.by, 'validation ROC AUC');
    const { logistic, gbdt } = auto.candidates;
    const better = gbdt.rocAuc > logistic.rocAuc ? 'gbdt' : 'logistic';
    assert.equal(chosen.algorithm, better);
    assert.equal(chosen.params.algorithm, better);
    assert.equal(chosen.validationMetrics.rocAuc, auto.candidates[better].rocAuc);
    if (better === 'gbdt') assert.ok('trees' in chosen.model);
    else assert.ok('weights' in chosen.model);
  });
});
