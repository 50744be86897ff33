import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import Papa from 'papaparse';
import { generateTelcoCsv } from '../../data/sample-generator';
import { encodeTable, parseNumeric } from '../../models/features';
import { predictProba } from '../../models/logistic';
import { createRng } from '../../models/random';
import { trainLogisticModel } from '../../models/training';
import type { InputColumn, RawTable } from '../../models/types';
import { buildBaseline } from '../../monitoring/baseline';
import { detectDrift } from '../../monitoring/drift/detect-drift';
import { resolveDriftConfig } from '../../monitoring/drift/config';
import type { DeepPartial } from '../../monitoring/drift/config';
import type { DriftConfig, DriftReport, LiveWindow, ModelBaseline, NumericBaseline } from '../../monitoring/types';

// Acceptance tests with a known truth. A churn model is trained on 7,043 generated Telco-shaped
// customers (seed 101) and its baseline stored; live windows are then drawn from the same generator
// with another seed (the training distribution), optionally with one change made on purpose. Each
// claim is checked over 100 seeded windows and the observed rate is printed.
//
// The windows are resampled from one pool of 120,000 generated customers rather than generated
// afresh each trial: the pool's own sampling error (under 0.3% on any share) is far below what the
// tests resolve, and it keeps the file to seconds.

const TRIALS = 100;
/** "At least 95 of 100 trials" from the acceptance criteria. */
const REQUIRED = 95;
const NUMERIC = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);
const META = { modelName: 'churn', version: 1 };

interface World {
  baseline: ModelBaseline;
  inputs: InputColumn[];
  /** Pool columns as clients send them: numbers (null when blank) and strings. */
  pool: Record<string, unknown[]>;
  poolProbabilities: Float64Array;
  poolLabels: (0 | 1)[];
  poolRows: number;
}

function telcoTable(rows: number, seed: number): RawTable {
  const [header = [], ...data] = Papa.parse<string[]>(generateTelcoCsv({ rows, seed }), { skipEmptyLines: true }).data;
  const columns = Object.fromEntries(header.map((name, c) => [name, data.map((row) => row[c] ?? '')]));
  return { header, rowCount: data.length, columns };
}

function buildWorld(): World {
  const reference = telcoTable(7043, 101);
  const inputs = reference.header
    .filter((name) => name !== 'customerID' && name !== 'Churn')
    .map((name): InputColumn => ({ name, kind: NUMERIC.has(name) ? 'numeric' : 'categorical' }));
  const trained = trainLogisticModel(reference, { target: 'Churn', positiveLabel: 'Yes', inputs, seed: 101 });
  // The baseline covers the rows the final model was fitted on, as the training workflow stores it.
  const rows = [...trained.split.train, ...trained.split.validation].sort((a, b) => a - b);
  const probabilities = predictProba(trained.model, encodeTable(trained.spec, reference, rows));
  const performance = {
    rocAuc: trained.metrics.rocAuc,
    logLoss: trained.metrics.logLoss,
    brier: trained.metrics.brier,
    positiveRate: trained.metrics.positives / trained.metrics.rows,
  };
  const baseline = buildBaseline(reference, trained.spec, rows, probabilities, performance, {
    modelName: 'churn',
    seed: 101,
  });

  const pool = telcoTable(120_000, 202);
  const all = Array.from({ length: pool.rowCount }, (_, i) => i);
  const interned = new Map<string, string>();
  const poolColumns: Record<string, unknown[]> = {};
  for (const { name, kind } of inputs) {
    const cells = pool.columns[name] ?? [];
    // One string object per level, as JSON.parse gives the prediction log: fast to compare.
    poolColumns[name] =
      kind === 'categorical'
        ? cells.map((cell) => interned.get(cell) ?? interned.set(cell, cell).get(cell))
        : cells.map((cell) => (Number.isNaN(parseNumeric(cell)) ? null : parseNumeric(cell)));
  }
  return {
    baseline,
    inputs,
    pool: poolColumns,
    poolProbabilities: predictProba(trained.model, encodeTable(trained.spec, pool, all)),
    poolLabels: (pool.columns.Churn ?? []).map((cell): 0 | 1 => (cell === 'Yes' ? 1 : 0)),
    poolRows: pool.rowCount,
  };
}

/** A window of `rows` customers resampled from the pool with a seeded generator. */
function drawWindow(world: World, rows: number, seed: number): { window: LiveWindow; picks: Uint32Array } {
  const rng = createRng(seed);
  const picks = Uint32Array.from({ length: rows }, () => Math.floor(rng() * world.poolRows));
  // Plain loops: Array.from with a mapping function is several times slower at 50,000 rows × 19 columns.
  const columns: Record<string, unknown[]> = {};
  for (const { name } of world.inputs) {
    const cells = world.pool[name] ?? [];
    const column = new Array<unknown>(rows);
    for (let k = 0; k < rows; k++) column[k] = cells[picks[k] as number];
    columns[name] = column;
  }
  const probabilities = Array.from(picks, (i) => world.poolProbabilities[i] as number);
  const window = {
    rows,
    from: '2026-01-01T00:00:00Z',
    to: '2026-01-08T00:00:00Z',
    columns,
    probabilities,
    labelled: [],
  };
  return { window, picks };
}

function numericBaseline(world: World, name: string): NumericBaseline {
  const found = world.baseline.features.find((f) => f.name === name);
  assert.ok(found?.kind === 'numeric');
  return found;
}

/** Adds `sds` reference standard deviations to every value of a numeric column. */
function shiftColumn(world: World, window: LiveWindow, name: string, sds: number): void {
  const shift = sds * numericBaseline(world, name).std;
  window.columns[name] = (window.columns[name] ?? []).map((x) => (typeof x === 'number' ? x + shift : x));
}

/** Moves `points` of share to `level`, taken evenly from the other levels (as shares in the baseline). */
function moveShare(world: World, window: LiveWindow, name: string, level: string, points: number, seed: number): void {
  const found = world.baseline.features.find((f) => f.name === name);
  assert.ok(found?.kind === 'categorical');
  const others = Object.keys(found.levelShares).filter((l) => l !== level);
  const rng = createRng(seed);
  // Each other level gives up points / (number of others) of the rows, relabelled as `level`.
  const convert = (from: string) => points / others.length / (found.levelShares[from] ?? 1);
  window.columns[name] = (window.columns[name] ?? []).map((x) =>
    typeof x === 'string' && x !== level && rng() < convert(x) ? level : x,
  );
}

function countTrials(predicate: (trial: number) => boolean): number {
  let count = 0;
  for (let trial = 0; trial < TRIALS; trial++) if (predicate(trial)) count++;
  return count;
}

let world: World;
let config: DriftConfig;
const detect = (window: LiveWindow, overrides?: DeepPartial<DriftConfig>): DriftReport =>
  detectDrift(world.baseline, window, overrides ? resolveDriftConfig(overrides) : config, META);

describe('drift detection against a known truth (100 trials per claim)', () => {
  before(() => {
    world = buildWorld();
    config = resolveDriftConfig();
  });

  for (const rows of [500, 5_000, 50_000]) {
    test(`raises no alarm on windows of ${rows.toLocaleString('en-US')} rows from the training distribution`, (t) => {
      let datasetAlarms = 0;
      let anyFeature = 0;
      countTrials((trial) => {
        const result = detect(drawWindow(world, rows, 1_000 + trial).window);
        if (result.datasetDrift) datasetAlarms++;
        if (result.driftedFeatures.length > 0) anyFeature++;
        return false;
      });
      t.diagnostic(
        `no-drift dataset alarms: ${datasetAlarms}/${TRIALS} at ${rows} rows (any feature flagged: ${anyFeature}/${TRIALS})`,
      );
      assert.ok(TRIALS - datasetAlarms >= REQUIRED, `${datasetAlarms} dataset-drift alarms`);
      // Stricter than asked, as if every feature were critical. Benjamini–Hochberg holds the chance of
      // any flag in a window of pure noise to about alpha (5%; 6.0% over 1,000 windows of 500 rows);
      // without the correction 19 tests would flag something in most windows.
      assert.ok(anyFeature <= 2 * (TRIALS - REQUIRED), `${anyFeature} windows with a flagged feature`);
    });
  }

  for (const name of ['MonthlyCharges', 'tenure']) {
    test(`finds a +0.3 SD shift of ${name} in windows of 5,000 rows`, (t) => {
      let flagged = 0;
      let datasetWhenCritical = 0;
      countTrials((trial) => {
        const { window } = drawWindow(world, 5_000, 2_000 + trial);
        shiftColumn(world, window, name, 0.3);
        if (detect(window).driftedFeatures.includes(name)) flagged++;
        if (detect(window, { features: { [name]: { critical: true } } }).datasetDrift) datasetWhenCritical++;
        return false;
      });
      t.diagnostic(
        `+0.3 SD ${name}: flagged ${flagged}/${TRIALS}, dataset drift when critical ${datasetWhenCritical}/${TRIALS}`,
      );
      assert.ok(flagged >= REQUIRED, `flagged in ${flagged}`);
      assert.ok(datasetWhenCritical >= REQUIRED, `dataset drift in ${datasetWhenCritical}`);
    });
  }

  test('finds Month-to-month contracts up 10 points in windows of 5,000 rows', (t) => {
    let flagged = 0;
    let datasetWhenCritical = 0;
    let share = 0;
    countTrials((trial) => {
      const { window } = drawWindow(world, 5_000, 3_000 + trial);
      moveShare(world, window, 'Contract', 'Month-to-month', 0.1, trial);
      share += (window.columns.Contract ?? []).filter((x) => x === 'Month-to-month').length / window.rows / TRIALS;
      const result = detect(window);
      if (result.driftedFeatures.includes('Contract')) flagged++;
      if (detect(window, { features: { Contract: { critical: true } } }).datasetDrift) datasetWhenCritical++;
      return false;
    });
    t.diagnostic(
      `Contract Month-to-month +10pp (live share ${(share * 100).toFixed(1)}%): flagged ${flagged}/${TRIALS}, ` +
        `dataset drift when critical ${datasetWhenCritical}/${TRIALS}`,
    );
    assert.ok(flagged >= REQUIRED, `flagged in ${flagged}`);
    assert.ok(datasetWhenCritical >= REQUIRED, `dataset drift in ${datasetWhenCritical}`);
  });

  test('ignores a 0.02 SD shift of MonthlyCharges in windows of 50,000 rows', (t) => {
    let datasetAlarms = 0;
    let flagged = 0;
    countTrials((trial) => {
      const { window } = drawWindow(world, 50_000, 4_000 + trial);
      shiftColumn(world, window, 'MonthlyCharges', 0.02);
      // Marked critical, so a flag on the feature alone would be a dataset alarm.
      const result = detect(window, { features: { MonthlyCharges: { critical: true } } });
      if (result.datasetDrift) datasetAlarms++;
      if (result.driftedFeatures.includes('MonthlyCharges')) flagged++;
      return false;
    });
    t.diagnostic(
      `0.02 SD MonthlyCharges at 50,000 rows: dataset drift ${datasetAlarms}/${TRIALS}, feature flagged ${flagged}/${TRIALS}`,
    );
    assert.ok(TRIALS - datasetAlarms >= REQUIRED, `${datasetAlarms} dataset-drift alarms`);
    assert.ok(TRIALS - flagged >= REQUIRED, `flagged in ${flagged}`);
  });

  test('finds a changed relationship between features and churn through labels, with no data drift', (t) => {
    // 1,000 of the 5,000 predictions get feedback. True outcomes keep the relationship; shuffling
    // them among the rows keeps the churn rate and the features but breaks the relationship.
    const labelledRows = 1_000;
    let conceptFound = 0;
    let dataDrift = 0;
    let falseConcept = 0;
    countTrials((trial) => {
      const { window, picks } = drawWindow(world, 5_000, 5_000 + trial);
      const truth = Array.from(picks.subarray(0, labelledRows), (i) => world.poolLabels[i] as 0 | 1);
      const rng = createRng(trial);
      const shuffled = [...truth];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j] as 0 | 1, shuffled[i] as 0 | 1];
      }
      const labelled = (labels: (0 | 1)[]) =>
        labels.map((label, i) => ({ probability: window.probabilities[i] as number, label }));
      const changed = detect({ ...window, labelled: labelled(shuffled) });
      if (changed.performance?.drifted && changed.drifted) conceptFound++;
      if (changed.datasetDrift) dataDrift++;
      if (detect({ ...window, labelled: labelled(truth) }).performance?.drifted) falseConcept++;
      return false;
    });
    t.diagnostic(
      `label relationship broken: performance drift ${conceptFound}/${TRIALS}, data drift ${dataDrift}/${TRIALS}; ` +
        `true labels: performance drift ${falseConcept}/${TRIALS}`,
    );
    assert.ok(conceptFound >= REQUIRED, `concept drift found in ${conceptFound}`);
    assert.ok(TRIALS - dataDrift >= REQUIRED, `${dataDrift} data-drift alarms`);
    assert.ok(TRIALS - falseConcept >= REQUIRED, `${falseConcept} false concept-drift alarms`);
  });
});
