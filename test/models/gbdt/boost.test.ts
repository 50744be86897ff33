import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitFeatureSpec } from '../../../models/features';
import { binRows, fitBinLayout } from '../../../models/gbdt/binning';
import { boost } from '../../../models/gbdt/boost';
import { scoreGbdtRows } from '../../../models/gbdt/predict';
import { trainGbdtModel } from '../../../models/gbdt/train';
import { DEFAULT_GBDT_PARAMS } from '../../../models/gbdt/types';
import { rocAuc } from '../../../models/metrics';
import { createRng } from '../../../models/random';
import type { InputColumn, RawTable } from '../../../models/types';
import { InvalidInputError } from '../../../core/errors';

const INPUTS: InputColumn[] = [
  { name: 'x', kind: 'numeric' },
  { name: 'noise', kind: 'numeric' },
  { name: 'colour', kind: 'categorical' },
];

/**
 * y depends on x through a step (trees fit it, a line does not), on colour, and on x being blank:
 * blank x churns most. `noise` carries nothing.
 */
function table(rows: number, seed: number, labelNoise = 0.1): RawTable {
  const rng = createRng(seed);
  const columns: Record<string, string[]> = { x: [], noise: [], colour: [], y: [] };
  for (let i = 0; i < rows; i++) {
    const blank = rng() < 0.1;
    const x = rng() * 10;
    const colour = ['red', 'green', 'blue'][Math.floor(rng() * 3)] as string;
    let positive = blank ? true : (x > 3 && x < 6) || colour === 'red';
    if (rng() < labelNoise) positive = !positive;
    columns.x?.push(blank ? '' : x.toFixed(3));
    columns.noise?.push((rng() * 100).toFixed(2));
    columns.colour?.push(colour);
    columns.y?.push(positive ? 'yes' : 'no');
  }
  return { header: Object.keys(columns), rowCount: rows, columns };
}

const options = { target: 'y', positiveLabel: 'yes', inputs: INPUTS, seed: 3 };

describe('gbdt boosting', () => {
  it('learns a step, a category and "blank means positive" to the label noise floor on new rows', () => {
    const data = table(5_000, 1);
    const fit = trainGbdtModel(data, options);
    // 10% of labels are flipped, so the best possible accuracy is 0.9.
    assert.ok(fit.metrics.accuracy > 0.87, `accuracy ${fit.metrics.accuracy}`);
    const blanks = fit.split.test.filter((row) => data.columns.x?.[row] === '');
    const blankScores = scoreGbdtRows(fit.spec, fit.model, data, blanks);
    assert.ok(blanks.length > 50);
    assert.ok(
      blankScores.every((p) => p > 0.7),
      `blank rows scored ${Math.min(...blankScores)} at least`,
    );
  });

  it('separates noise-free labels on new rows, the blank x cells included, through learned missing directions', () => {
    const data = table(5_000, 2, 0);
    const fit = trainGbdtModel(data, options);
    const test = fit.split.test;
    const scores = scoreGbdtRows(fit.spec, fit.model, data, test);
    const labels = test.map((row) => (data.columns.y?.[row] === 'yes' ? 1 : 0));
    assert.ok(rocAuc(labels, scores) > 0.99, `noise-free ROC AUC ${rocAuc(labels, scores)}`);
    // x's median lies in the positive band (3, 6): imputing it would hide nothing here, so check the
    // trees send blanks somewhere other than where the median goes in at least one split on x.
    const median = fit.spec.numeric[0]?.impute ?? NaN;
    const z = (median - (fit.spec.numeric[0]?.mean ?? 0)) / (fit.spec.numeric[0]?.std ?? 1);
    const differs = fit.model.trees.some((tree) =>
      tree.left.some(
        (left, n) => left >= 0 && tree.feature[n] === 0 && tree.missingLeft[n] !== z <= (tree.threshold[n] as number),
      ),
    );
    assert.ok(differs, 'every split on x sends a blank where the median goes');
  });

  it('stops once validation log loss has not improved for earlyStoppingRounds and keeps the best round', () => {
    const data = table(3_000, 4, 0.3);
    const fit = trainGbdtModel(data, {
      ...options,
      params: { learningRate: 0.5, maxLeaves: 31, minSamplesLeaf: 2, maxIterations: 500, earlyStoppingRounds: 5 },
    });
    assert.equal(fit.params.stoppedEarly, true);
    const trees = fit.model.trees.length;
    assert.ok(trees < 100, `${trees} trees kept`);

    // Replaying the boosting on the same bins shows the kept round is where validation loss was lowest.
    const spec = fitFeatureSpec(data, INPUTS, fit.split.train);
    const layout = fitBinLayout(spec, data, fit.split.train, 255, 3);
    const labels = (rows: number[]) => Uint8Array.from(rows, (row) => (data.columns.y?.[row] === 'yes' ? 1 : 0));
    const rounds: number[] = [];
    const replay = boost({
      groups: layout.groups,
      train: binRows(layout, data, fit.split.train),
      trainLabels: labels(fit.split.train),
      validation: { rows: binRows(layout, data, fit.split.validation), labels: labels(fit.split.validation) },
      params: {
        ...DEFAULT_GBDT_PARAMS,
        learningRate: 0.5,
        maxLeaves: 31,
        minSamplesLeaf: 2,
        maxIterations: 500,
        earlyStoppingRounds: 5,
      },
      onRound: (round) => rounds.push(round.validationLogLoss ?? NaN),
    });
    const best = rounds.indexOf(Math.min(...rounds)) + 1;
    assert.equal(replay.bestIteration, best);
    assert.equal(rounds.length, best + 5);
    assert.equal(replay.model.trees.length, trees);
  });

  it('grows the same trees from the same data and seed, and no leaf count or depth beyond the limits', () => {
    const data = table(4_000, 5);
    const params = { maxLeaves: 6, maxDepth: 3 };
    const a = trainGbdtModel(data, { ...options, params });
    const b = trainGbdtModel(data, { ...options, params });
    assert.deepEqual(a.model, b.model);
    assert.deepEqual(a.testProbabilities, b.testProbabilities);
    for (const tree of a.model.trees) {
      assert.ok(tree.left.filter((left) => left < 0).length <= 6);
      const depth = (node: number): number =>
        (tree.left[node] as number) < 0
          ? 0
          : 1 + Math.max(depth(tree.left[node] as number), depth(tree.right[node] as number));
      assert.ok(depth(0) <= 3);
    }
  });

  it('refuses bad settings with an InvalidInputError that names each one', () => {
    assert.throws(
      () => trainGbdtModel(table(200, 6), { ...options, params: { learningRate: 0, maxLeaves: 1 } }),
      (error: unknown) =>
        error instanceof InvalidInputError && /learningRate/.test(error.message) && /maxLeaves/.test(error.message),
    );
  });
});
