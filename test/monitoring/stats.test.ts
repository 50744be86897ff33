import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../models/random';
import { binCounts, binLabels, binShares, quantileEdges } from '../../monitoring/stats/bins';
import { chiSquareHomogeneity } from '../../monitoring/stats/chi-square';
import { jensenShannonDistance } from '../../monitoring/stats/jensen-shannon';
import { kolmogorovSurvival, ksTwoSample } from '../../monitoring/stats/kolmogorov-smirnov';
import { adjustPValues } from '../../monitoring/stats/multiple-testing';
import { populationStabilityIndex } from '../../monitoring/stats/psi';
import { normalisedWasserstein, wasserstein1 } from '../../monitoring/stats/wasserstein';

function close(actual: number, expected: number, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
}

const sorted = (values: number[]) => Float64Array.from(values).sort();

/** Standard normal draws (Box–Muller) from a seeded generator. */
function normals(rng: () => number, n: number, shift = 0): Float64Array {
  return sorted(
    Array.from({ length: n }, () => shift + Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng())),
  );
}

/** The largest ECDF gap evaluated at every observed value: slow but obviously right, ties included. */
function bruteForceD(a: Float64Array, b: Float64Array): number {
  const ecdf = (xs: Float64Array, x: number) => xs.filter((v) => v <= x).length / xs.length;
  return Math.max(...[...a, ...b].map((x) => Math.abs(ecdf(a, x) - ecdf(b, x))));
}

/** W1 as ∫₀¹ |F⁻¹(u) − G⁻¹(u)| du, midpoint rule on a fine grid: an independent route to the same number. */
function quantileW1(a: Float64Array, b: Float64Array, steps = 200_000): number {
  const quantile = (xs: Float64Array, u: number) => xs[Math.min(xs.length - 1, Math.floor(u * xs.length))] as number;
  let sum = 0;
  for (let k = 0; k < steps; k++) {
    const u = (k + 0.5) / steps;
    sum += Math.abs(quantile(a, u) - quantile(b, u));
  }
  return sum / steps;
}

function multinomialCounts(rng: () => number, shares: number[], n: number, levels: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let u = rng();
    let k = 0;
    while (k < shares.length - 1 && u >= (shares[k] as number)) u -= shares[k++] as number;
    const level = levels[k] as string;
    counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  return counts;
}

describe('two-sample Kolmogorov–Smirnov', () => {
  test('finds no gap between identical samples', () => {
    const a = sorted([3, 1, 2, 2, 5]);
    assert.deepEqual(ksTwoSample(a, a), { statistic: 0, pValue: 1 });
  });

  test('finds the full gap between samples that do not overlap', () => {
    close(ksTwoSample(sorted([1, 2, 3]), sorted([4, 5, 6])).statistic, 1);
  });

  test('compares the CDFs only after all copies of a tied value', () => {
    // Stepping element by element would see a gap of 0.75 - 0 inside the run of zeros.
    close(ksTwoSample(sorted([0, 0, 0, 1]), sorted([0, 1, 1, 1])).statistic, 0.5);
  });

  test('agrees with a brute-force ECDF gap on discrete samples full of ties', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 20; trial++) {
      const a = sorted(Array.from({ length: 40 + trial }, () => Math.floor(rng() * 6)));
      const b = sorted(Array.from({ length: 30 + 2 * trial }, () => Math.floor(rng() * 6 + rng())));
      close(ksTwoSample(a, b).statistic, bruteForceD(a, b));
    }
  });

  test('matches published values of the Kolmogorov survival function', () => {
    close(kolmogorovSurvival(0.5), 0.9639452436648751, 1e-12);
    close(kolmogorovSurvival(1), 0.26999967167735456, 1e-12);
    close(kolmogorovSurvival(1.36), 0.049485876755377876, 1e-12);
    close(kolmogorovSurvival(2), 0.0006709252557796953, 1e-15);
    assert.equal(kolmogorovSurvival(0), 1);
  });

  test('raises false alarms at about alpha on continuous samples of the same distribution', () => {
    const rng = createRng(11);
    const trials = 2000;
    let alarms = 0;
    for (let t = 0; t < trials; t++) if (ksTwoSample(normals(rng, 80), normals(rng, 120)).pValue < 0.05) alarms++;
    const rate = alarms / trials;
    assert.ok(rate > 0.035 && rate < 0.065, `false-alarm rate ${rate}`);
  });

  test('is conservative, never above alpha, on heavily tied discrete samples', () => {
    const rng = createRng(12);
    const draw = (n: number) => sorted(Array.from({ length: n }, () => (rng() < 0.3 ? 1 : 0) + (rng() < 0.5 ? 1 : 0)));
    let alarms = 0;
    for (let t = 0; t < 2000; t++) if (ksTwoSample(draw(300), draw(500)).pValue < 0.05) alarms++;
    assert.ok(alarms / 2000 <= 0.05, `false-alarm rate ${alarms / 2000}`);
  });

  test('detects a half standard deviation shift in 200 values', () => {
    const rng = createRng(13);
    assert.ok(ksTwoSample(normals(rng, 200), normals(rng, 200, 0.5)).pValue < 0.01);
  });
});

describe('chi-square homogeneity against a baseline', () => {
  test('matches a hand-computed 2 × 2 table', () => {
    // Reference counts 50/50, live 30/70: expected 40/60 in both rows, statistic 2·(100/40 + 100/60).
    const result = chiSquareHomogeneity(
      { shares: { a: 0.5, b: 0.5 }, count: 100 },
      new Map([
        ['a', 30],
        ['b', 70],
      ]),
    );
    close(result.statistic, 25 / 3, 1e-9);
    assert.equal(result.degreesOfFreedom, 1);
    close(result.pValue, 0.003892417122778627, 1e-9);
    assert.deepEqual(result.merged, []);
  });

  test('pools levels with an expected count under 5 into one cell', () => {
    // 100 live rows out of 1,100: a level needs 55 rows in all for an expected live count of 5.
    const shares = { a: 0.47, b: 0.47, rare1: 0.03, rare2: 0.03 };
    const live = new Map([
      ['a', 47],
      ['b', 47],
      ['rare1', 3],
      ['rare2', 3],
    ]);
    const result = chiSquareHomogeneity({ shares, count: 1000 }, live);
    assert.deepEqual(result.merged.sort(), ['rare1', 'rare2']);
    assert.equal(result.degreesOfFreedom, 2);
  });

  test('flags a level that never occurred in training', () => {
    const shares = { a: 0.5, b: 0.5 };
    const result = chiSquareHomogeneity(
      { shares, count: 5000 },
      new Map([
        ['a', 400],
        ['b', 400],
        ['new', 200],
      ]),
    );
    assert.ok(result.pValue < 1e-10, `p=${result.pValue}`);
  });

  test('returns p = 1 when either side has no rows', () => {
    assert.equal(chiSquareHomogeneity({ shares: { a: 1 }, count: 10 }, new Map()).pValue, 1);
  });

  for (const liveRows of [200, 2000]) {
    test(`raises false alarms at about alpha with ${liveRows} live rows against 2,000 reference rows`, () => {
      // The baseline itself is a sample, as in production: shares estimated from 2,000 draws.
      const truth = [0.55, 0.21, 0.14, 0.07, 0.03];
      const levels = ['a', 'b', 'c', 'd', 'e'];
      const rng = createRng(liveRows);
      const trials = 2000;
      let alarms = 0;
      for (let t = 0; t < trials; t++) {
        const reference = multinomialCounts(rng, truth, 2000, levels);
        const shares = Object.fromEntries([...reference].map(([level, count]) => [level, count / 2000]));
        const live = multinomialCounts(rng, truth, liveRows, levels);
        if (chiSquareHomogeneity({ shares, count: 2000 }, live).pValue < 0.05) alarms++;
      }
      const rate = alarms / trials;
      assert.ok(rate > 0.035 && rate < 0.065, `false-alarm rate ${rate}`);
    });
  }
});

describe('Wasserstein-1 distance', () => {
  test('is the size of a pure shift', () => {
    close(wasserstein1(sorted([0, 1, 3]), sorted([5, 6, 8])), 5);
  });

  test('is the mean gap between matched order statistics for equal sizes', () => {
    const rng = createRng(21);
    const a = normals(rng, 500);
    const b = normals(rng, 500, 0.2);
    const expected = a.reduce((sum, x, i) => sum + Math.abs(x - (b[i] as number)), 0) / a.length;
    close(wasserstein1(a, b), expected, 1e-12);
  });

  test('agrees with the quantile-function integral for unequal sizes with ties', () => {
    const rng = createRng(22);
    const a = sorted(Array.from({ length: 40 }, () => Math.floor(rng() * 10)));
    const b = sorted(Array.from({ length: 25 }, () => Math.floor(rng() * 12)));
    close(wasserstein1(a, b), quantileW1(a, b), 1e-3);
  });

  test('is measured in reference standard deviations once normalised', () => {
    close(normalisedWasserstein(sorted([0, 1, 3]), sorted([5, 6, 8]), 2), 2.5);
  });

  test('is not defined for an empty sample', () => {
    assert.ok(Number.isNaN(wasserstein1(sorted([]), sorted([1]))));
  });
});

describe('Jensen–Shannon distance', () => {
  test('is 0 for identical and 1 for disjoint distributions', () => {
    close(jensenShannonDistance([0.2, 0.8], [0.2, 0.8]), 0);
    close(jensenShannonDistance([1, 0], [0, 1]), 1);
  });

  test('matches a hand-computed value and is symmetric', () => {
    // M = (0.75, 0.25); JSD = ½·log2(4/3) + ½·(½·log2(2/3) + ½·log2(2)).
    const expected = Math.sqrt(0.5 * Math.log2(4 / 3) + 0.5 * (0.5 * Math.log2(2 / 3) + 0.5));
    close(jensenShannonDistance([1, 0], [0.5, 0.5]), expected);
    close(jensenShannonDistance([0.5, 0.5], [1, 0]), expected);
  });

  test('accepts counts as well as shares', () => {
    close(jensenShannonDistance([10, 30], [1, 3]), 0);
  });
});

describe('population stability index', () => {
  test('matches a hand-computed value', () => {
    close(populationStabilityIndex([0.5, 0.5], [0.6, 0.4]), 0.1 * Math.log(1.2) - 0.1 * Math.log(0.8));
  });

  test('stays finite when a bin is empty on one side', () => {
    const psi = populationStabilityIndex([0.5, 0.5, 0], [0.4, 0.4, 0.2]);
    assert.ok(Number.isFinite(psi) && psi > 0.5, `psi=${psi}`);
  });
});

describe('multiple-testing correction', () => {
  test('Bonferroni multiplies by the number of tests, capped at 1', () => {
    adjustPValues([0.01, 0.04, 0.5], 'bonferroni').forEach((p, i) => close(p, [0.03, 0.12, 1][i] as number));
  });

  test('Benjamini–Hochberg scales by rank and keeps the order of the input', () => {
    adjustPValues([0.01, 0.04, 0.03], 'bh').forEach((p, i) => close(p, [0.03, 0.04, 0.04][i] as number));
  });

  test('has nothing to adjust for no tests', () => {
    assert.deepEqual(adjustPValues([], 'bh'), []);
  });
});

describe('histogram bins', () => {
  test('give a 0/1 flag one bin per value', () => {
    const edges = quantileEdges(sorted([0, 0, 0, 1, 1, 0, 0]), 10);
    assert.deepEqual(edges, [0, 1, 1]);
    assert.deepEqual(binCounts(sorted([0, 0, 1, 0]), edges), [3, 1]);
    assert.deepEqual(binLabels(edges), ['[0, 1)', '[1, 1]']);
  });

  test('put quantile edges on observed values and count outliers in the end bins', () => {
    const values = sorted(Array.from({ length: 101 }, (_, i) => i));
    const edges = quantileEdges(values, 4);
    assert.deepEqual(edges, [0, 25, 50, 75, 100]);
    assert.deepEqual(binCounts(values, edges), [25, 25, 25, 26]);
    assert.deepEqual(binCounts(sorted([-5, 200]), edges), [1, 0, 0, 1]);
    assert.deepEqual(binShares(sorted([]), edges), [0, 0, 0, 0]);
  });

  test('drop repeated quantiles of a skewed discrete column', () => {
    const values = sorted([...Array<number>(80).fill(0), ...Array.from({ length: 20 }, (_, i) => i + 1)]);
    const edges = quantileEdges(values, 10);
    assert.equal(edges[0], 0);
    assert.equal(edges[edges.length - 1], 20);
    assert.ok(
      edges.every((e, i) => i === 0 || e > (edges[i - 1] as number)),
      `edges ${edges.join(', ')}`,
    );
  });

  test('format labels compactly', () => {
    assert.deepEqual(binLabels([18.25, 29.912345, 45.2]), ['[18.25, 29.91)', '[29.91, 45.2]']);
  });
});
