// Fixtures for the ONNX tests and an independent float64 reference of the model's semantics, written
// from the definition rather than shared with src/ so the export is checked against something else.
import { createRng } from '../../models/random';
import type { FeatureSpec, LogisticModel, RawRecord } from '../../models/types';

/** Inputs deliberately interleave kinds and use names no tensor name could be. */
export const smallSpec: FeatureSpec = {
  inputs: [
    { name: 'Contract', kind: 'categorical' },
    { name: 'tenure', kind: 'numeric' },
    { name: 'Payment Method (auto)', kind: 'categorical' },
    { name: 'Monthly/Charges', kind: 'numeric' },
  ],
  numeric: [
    { name: 'tenure', impute: 29, mean: 32.4, std: 24.5 },
    { name: 'Monthly/Charges', impute: 70.35, mean: 64.76, std: 30.09 },
  ],
  categorical: [
    { name: 'Contract', levels: ['Month-to-month', 'One year', 'Two year'] },
    { name: 'Payment Method (auto)', levels: ['', 'card', 'check'] },
  ],
};

export const smallModel: LogisticModel = { weights: [-0.9, 0.45, 0.8, -0.2, -1.1, 0.05, -0.3, 0.6], intercept: -1.2 };

export const smallRecords: RawRecord[] = [
  { Contract: 'Month-to-month', tenure: 1, 'Payment Method (auto)': 'check', 'Monthly/Charges': 29.85 },
  { Contract: 'Two year', tenure: 72, 'Payment Method (auto)': 'card', 'Monthly/Charges': 118.75 },
  { Contract: 'One year', tenure: null, 'Payment Method (auto)': '', 'Monthly/Charges': 56.95 },
  { Contract: 'One year', tenure: 45, 'Payment Method (auto)': null, 'Monthly/Charges': undefined },
  { Contract: 'Month-to-month', tenure: 0, 'Payment Method (auto)': 'check', 'Monthly/Charges': 20 },
];

/** The design row of the spec's definition: imputed standardised numerics, then one-hot levels. */
export function referenceRow(spec: FeatureSpec, record: RawRecord): number[] {
  const numeric = spec.numeric.map((f) => {
    const value = record[f.name];
    const x = typeof value === 'number' && !Number.isNaN(value) ? value : f.impute;
    return (x - f.mean) / f.std;
  });
  const onehot = spec.categorical.flatMap((f) => {
    const value = record[f.name] ?? '';
    return f.levels.map((level) => (value === level ? 1 : 0));
  });
  return [...numeric, ...onehot];
}

export function referenceProbabilities(spec: FeatureSpec, model: LogisticModel, records: RawRecord[]): Float64Array {
  return Float64Array.from(records, (record) => {
    const row = referenceRow(spec, record);
    const logit = row.reduce((sum, x, j) => sum + (model.weights[j] as number) * x, model.intercept);
    return 1 / (1 + Math.exp(-logit));
  });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

export const LEVELS_PER_CATEGORICAL = [4, 4, 4, 4, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1];

/**
 * A wide spec in the shape of a real export (4 numerics, 15 categoricals, 46 weights) whose numerics sit
 * around 8000, one of them with a small std: a float32 mean or impute value there is off by up to
 * 2.4e-4, which shows up in the probabilities unless the graph computes in double.
 */
export function largeFixture(seed: number, rowCount: number) {
  const rng = createRng(seed);
  const numeric = [
    { name: 'TotalCharges', impute: 8000.5, mean: 8123.456789, std: 2266.77 },
    { name: 'balance', impute: 8000.25, mean: 8000.3712345, std: 3.1 },
    { name: 'score', impute: 12.5, mean: 11.987654, std: 0.73 },
    { name: 'calls', impute: 3, mean: 3.3333333333, std: 1.9 },
  ];
  const categorical = LEVELS_PER_CATEGORICAL.map((count, c) => ({
    name: `cat ${c}`,
    levels: Array.from({ length: count }, (_, l) => `c${c}-level${l}`),
  }));
  const spec: FeatureSpec = {
    inputs: [
      ...categorical.map((f) => ({ name: f.name, kind: 'categorical' as const })),
      ...numeric.map((f) => ({ name: f.name, kind: 'numeric' as const })),
    ],
    numeric,
    categorical,
  };
  const width = numeric.length + categorical.reduce((sum, f) => sum + f.levels.length, 0);
  const model: LogisticModel = { weights: Array.from({ length: width }, () => rng() * 3 - 1.5), intercept: -0.3 };

  // Numerics are drawn on a 1/8 grid, which float32 holds exactly at these magnitudes, so any
  // difference comes from the graph, not from the float32 input contract.
  const draw = (f: { mean: number; std: number }) => Math.round((f.mean + (rng() * 4 - 2) * f.std) * 8) / 8;
  const records: RawRecord[] = Array.from({ length: rowCount }, () => {
    const record: RawRecord = {};
    for (const f of numeric) record[f.name] = rng() < 0.05 ? null : draw(f);
    for (const f of categorical) {
      const pick = Math.floor(rng() * (f.levels.length + 1));
      record[f.name] = pick < f.levels.length ? f.levels[pick] : 'never seen';
    }
    return record;
  });
  return { spec, model, records };
}
