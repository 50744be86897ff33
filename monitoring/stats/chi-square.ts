import chiSquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

// Chi-square test that live category counts come from the same distribution as the reference.
//
// The reference is not a known distribution but shares estimated from `count` training rows. A
// goodness-of-fit test against expected = share · n would treat those shares as exact; under the
// null the live-minus-reference gap then has (1 + n / count) times the variance the test assumes,
// so a window as large as the training set would double the statistic and raise false alarms in
// one window in five or six instead of one in twenty. The 2 × K homogeneity test below treats the
// reference as a sample of `count` rows (share · count recovers its counts), which keeps the
// false-alarm rate at alpha for any window size (test/monitoring/stats.test.ts checks both sizes).

/** The textbook rule: the chi-square approximation needs an expected count of at least 5 per cell. */
export const MIN_EXPECTED_COUNT = 5;

export interface ChiSquareResult {
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
  /** Levels pooled into one "other" cell because their expected counts were under 5. */
  merged: string[];
}

interface Cell {
  levels: string[];
  reference: number;
  live: number;
}

/** 2 × K test of homogeneity between reference shares × reference count and live counts per level. */
export function chiSquareHomogeneity(
  reference: { shares: Record<string, number>; count: number },
  liveCounts: ReadonlyMap<string, number>,
): ChiSquareResult {
  const cells = new Map<string, Cell>();
  for (const [level, share] of Object.entries(reference.shares)) {
    if (share > 0) cells.set(level, { levels: [level], reference: share * reference.count, live: 0 });
  }
  for (const [level, count] of liveCounts) {
    if (count <= 0) continue;
    const cell = cells.get(level) ?? { levels: [level], reference: 0, live: 0 };
    cell.live += count;
    cells.set(level, cell);
  }
  const referenceTotal = sum([...cells.values()].map((c) => c.reference));
  const liveTotal = sum([...cells.values()].map((c) => c.live));
  if (referenceTotal <= 0 || liveTotal <= 0) return { statistic: 0, degreesOfFreedom: 0, pValue: 1, merged: [] };

  // A column's smaller expected count is its total × the smaller row's share of the grand total.
  const smallerRowShare = Math.min(referenceTotal, liveTotal) / (referenceTotal + liveTotal);
  const { kept, merged } = mergeSparse([...cells.values()], MIN_EXPECTED_COUNT / smallerRowShare);
  if (kept.length < 2) return { statistic: 0, degreesOfFreedom: 0, pValue: 1, merged };

  const grandTotal = referenceTotal + liveTotal;
  let statistic = 0;
  for (const cell of kept) {
    const columnTotal = cell.reference + cell.live;
    const expectedReference = (columnTotal * referenceTotal) / grandTotal;
    const expectedLive = (columnTotal * liveTotal) / grandTotal;
    statistic += (cell.reference - expectedReference) ** 2 / expectedReference;
    statistic += (cell.live - expectedLive) ** 2 / expectedLive;
  }
  const degreesOfFreedom = kept.length - 1;
  // 1 − CDF underflows to 0 below about 1e-16: far past any alpha, so no precision is lost that matters.
  const pValue = Math.min(1, Math.max(0, 1 - chiSquareCdf(statistic, degreesOfFreedom)));
  return { statistic, degreesOfFreedom, pValue, merged };
}

/**
 * Pools every column whose total is under `minTotal` into one "other" column; if that column is
 * itself still too small, it absorbs the smallest remaining column until it is large enough.
 */
function mergeSparse(cells: Cell[], minTotal: number): { kept: Cell[]; merged: string[] } {
  const total = (cell: Cell) => cell.reference + cell.live;
  const kept = cells.filter((cell) => total(cell) >= minTotal).sort((x, y) => total(x) - total(y));
  const sparse = cells.filter((cell) => total(cell) < minTotal);
  if (sparse.length === 0) return { kept, merged: [] };
  const other: Cell = { levels: sparse.flatMap((c) => c.levels), reference: 0, live: 0 };
  for (const cell of sparse) {
    other.reference += cell.reference;
    other.live += cell.live;
  }
  while (total(other) < minTotal && kept.length > 0) {
    const smallest = kept.shift() as Cell;
    other.levels.push(...smallest.levels);
    other.reference += smallest.reference;
    other.live += smallest.live;
  }
  return { kept: [...kept, other], merged: other.levels };
}

function sum(values: number[]): number {
  return values.reduce((total, x) => total + x, 0);
}
