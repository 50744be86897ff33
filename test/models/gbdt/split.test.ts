import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MISSING_BIN, type BinGroup } from '../../../models/gbdt/binning';
import { BINS, newHistogram, STRIDE } from '../../../models/gbdt/histogram';
import { findBestSplit, type NodeTotals } from '../../../models/gbdt/split';

const limits = { l2: 0, minSamplesLeaf: 1, minHessian: 1e-3 };
const numeric = (edges: number[]): BinGroup => ({ kind: 'numeric', column: 0, edges: Float64Array.from(edges) });

/** A one-group histogram from [bin, gradient sum, hessian sum, count] entries, and its totals. */
function histogramOf(entries: [number, number, number, number][], group = 0, groups = 1) {
  const histogram = newHistogram(groups);
  const totals: NodeTotals = { gradient: 0, hessian: 0, count: 0 };
  for (const [bin, g, h, c] of entries) {
    const at = (group * BINS + bin) * STRIDE;
    histogram[at] = g;
    histogram[at + 1] = h;
    histogram[at + 2] = c;
    totals.gradient += g;
    totals.hessian += h;
    totals.count += c;
  }
  return { histogram, totals };
}

describe('gbdt split finding', () => {
  it('cuts where the gradient changes sign, and its gain is the drop in G²/(H+λ)', () => {
    const { histogram, totals } = histogramOf([
      [0, -4, 2, 8],
      [1, -3, 2, 8],
      [2, 5, 2, 8],
      [3, 2, 2, 8],
    ]);
    const split = findBestSplit(histogram, [numeric([1, 2, 3])], totals, limits);
    assert.ok(split);
    assert.equal(split.bin, 1);
    assert.deepEqual(split.left, { gradient: -7, hessian: 4, count: 16 });
    assert.ok(Math.abs(split.gain - (49 / 4 + 49 / 4 - 0 / 8)) < 1e-12);
  });

  it('sends missing values to the side whose gradients they resemble', () => {
    const { histogram, totals } = histogramOf([
      [0, -4, 2, 8],
      [1, 4, 2, 8],
      [MISSING_BIN, 3, 1, 4],
    ]);
    const right = findBestSplit(histogram, [numeric([1])], totals, limits);
    assert.equal(right?.missingLeft, false);
    const flipped = histogramOf([
      [0, -4, 2, 8],
      [1, 4, 2, 8],
      [MISSING_BIN, -3, 1, 4],
    ]);
    assert.equal(findBestSplit(flipped.histogram, [numeric([1])], flipped.totals, limits)?.missingLeft, true);
  });

  it('refuses a split that would leave a child with fewer rows than minSamplesLeaf', () => {
    const { histogram, totals } = histogramOf([
      [0, -6, 1, 3],
      [1, 1, 4, 20],
      [2, 1, 4, 20],
    ]);
    assert.equal(findBestSplit(histogram, [numeric([1, 2])], totals, limits)?.bin, 0);
    const split = findBestSplit(histogram, [numeric([1, 2])], totals, { ...limits, minSamplesLeaf: 5 });
    assert.notEqual(split?.bin, 0);
  });

  it('splits a categorical group on the one level that differs, the level going right', () => {
    const group: BinGroup = { kind: 'categorical', firstColumn: 3, count: 3, bins: new Map(), input: 'c' };
    const { histogram, totals } = histogramOf([
      [0, 1, 2, 10],
      [1, -8, 2, 10],
      [2, 1, 2, 10],
    ]);
    const split = findBestSplit(histogram, [group], totals, limits);
    assert.equal(split?.bin, 1);
    assert.deepEqual(split?.right, { gradient: -8, hessian: 2, count: 10 });
  });

  it('finds no split when every cut loses', () => {
    const { histogram, totals } = histogramOf([
      [0, 1, 2, 10],
      [1, 1, 2, 10],
    ]);
    assert.equal(findBestSplit(histogram, [numeric([1])], totals, limits), null);
  });
});
