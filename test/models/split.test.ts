import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../models/random';
import { stratifiedSplit } from '../../models/split';

const FRACTIONS = { train: 0.6, validation: 0.2, test: 0.2 };

/** 1,000 labels, 27% positive, in a random order. */
function labels(seed = 123): Uint8Array {
  const rng = createRng(seed);
  return Uint8Array.from({ length: 1000 }, () => (rng() < 0.27 ? 1 : 0));
}

function positivesIn(y: Uint8Array, rows: number[]): number {
  return rows.reduce((sum, row) => sum + (y[row] as number), 0);
}

describe('createRng', () => {
  test('repeats its sequence for a seed and gives a different one for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRng(seed));
    assert.deepEqual(draw(1), draw(1));
    assert.notDeepEqual(draw(1), draw(2));
  });

  test('draws roughly uniformly from [0, 1)', () => {
    const rng = createRng(99);
    const values = Array.from({ length: 10_000 }, rng);
    assert.ok(values.every((v) => v >= 0 && v < 1));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  });
});

describe('stratifiedSplit', () => {
  const y = labels();
  const split = stratifiedSplit(y, FRACTIONS, 42);

  test('puts every row in exactly one part, each part sorted ascending', () => {
    const all = [...split.train, ...split.validation, ...split.test];
    assert.equal(new Set(all).size, y.length);
    assert.deepEqual(
      [...all].sort((a, b) => a - b),
      Array.from(y, (_, i) => i),
    );
    for (const part of [split.train, split.validation, split.test]) {
      assert.deepEqual(
        part,
        [...part].sort((a, b) => a - b),
      );
    }
  });

  test('gives each part its fraction of each class', () => {
    const totalPositives = positivesIn(
      y,
      Array.from(y, (_, i) => i),
    );
    const totalNegatives = y.length - totalPositives;
    for (const name of ['train', 'validation', 'test'] as const) {
      const rows = split[name];
      const fraction = FRACTIONS[name];
      const positives = positivesIn(y, rows);
      assert.ok(Math.abs(positives - totalPositives * fraction) <= 1, `${name}: ${positives} positives`);
      assert.ok(Math.abs(rows.length - positives - totalNegatives * fraction) <= 1, `${name}: negatives`);
    }
  });

  test('shuffles rather than cutting each class in row order', () => {
    const positiveRows = Array.from(y, (_, i) => i).filter((i) => y[i] === 1);
    const trainPositives = split.train.filter((row) => y[row] === 1);
    assert.notDeepEqual(trainPositives, positiveRows.slice(0, trainPositives.length));
    const lastTrainRow = split.train.at(-1) ?? 0;
    assert.ok(
      split.test.some((row) => row < lastTrainRow),
      'test rows all come after the training rows',
    );
  });

  test('is the same for a seed and different for another seed', () => {
    assert.deepEqual(stratifiedSplit(y, FRACTIONS, 42), split);
    assert.notDeepEqual(stratifiedSplit(y, FRACTIONS, 43).test, split.test);
  });

  test('places a class with a single member in exactly one part', () => {
    const rare = Uint8Array.from({ length: 20 }, (_, i) => (i === 7 ? 1 : 0));
    const parts = stratifiedSplit(rare, FRACTIONS, 1);
    assert.equal([parts.train, parts.validation, parts.test].filter((rows) => rows.includes(7)).length, 1);
    assert.equal(parts.train.length + parts.validation.length + parts.test.length, 20);
  });

  test('rejects fractions that do not sum to one', () => {
    assert.throws(() => stratifiedSplit(y, { train: 0.6, validation: 0.3, test: 0.2 }, 1), /sum to 1/);
    assert.throws(() => stratifiedSplit(y, { train: 1.2, validation: -0.2, test: 0 }, 1), /non-negative/);
  });
});
