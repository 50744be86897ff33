// Histogram bins of a numeric feature: quantile edges learnt on the reference, then the same edges
// for every live window, so reference and live shares line up bin for bin.

/**
 * Bin edges (ascending, first = min, last = max) from values sorted ascending, NaN excluded.
 *
 * Edges are observed values at the quantiles 0, 1/bins, …, 1, deduplicated, so a discrete column
 * gets fewer, value-aligned bins. A column with at most `bins` distinct values gets one bin per
 * value instead: the distinct values plus the max repeated, which makes the last bin [max, max]
 * (otherwise a 0/1 flag would collapse into the single bin [0, 1] and hide any change).
 */
export function quantileEdges(sorted: ArrayLike<number>, bins: number): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const distinct = distinctValues(sorted, bins + 1);
  if (distinct.length <= bins) return [...distinct, distinct[distinct.length - 1] as number];
  const edges: number[] = [];
  for (let k = 0; k <= bins; k++) {
    const value = sorted[Math.round((k / bins) * (n - 1))] as number;
    if (edges.length === 0 || value > (edges[edges.length - 1] as number)) edges.push(value);
  }
  return edges;
}

/**
 * Counts per bin of values sorted ascending. Bin k is [edges[k], edges[k+1]) and the last bin is
 * closed, [edges[b−1], edges[b]]; values outside the edges count in the end bins.
 */
export function binCounts(sorted: ArrayLike<number>, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  if (bins < 1) return [];
  const counts = new Array<number>(bins).fill(0);
  let bin = 0;
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i] as number;
    while (bin < bins - 1 && x >= (edges[bin + 1] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

/** Shares per bin (summing to 1), or all zeros when there are no values. */
export function binShares(sorted: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = binCounts(sorted, edges);
  return counts.map((count) => (sorted.length > 0 ? count / sorted.length : 0));
}

/** Labels like "[29.9, 45.2)"; the last bin, closed, like "[105, 118.7]". */
export function binLabels(edges: readonly number[]): string[] {
  const bins = edges.length - 1;
  return Array.from({ length: Math.max(0, bins) }, (_, k) => {
    const close = k === bins - 1 ? ']' : ')';
    return `[${formatEdge(edges[k] as number)}, ${formatEdge(edges[k + 1] as number)}${close}`;
  });
}

function formatEdge(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

/** The first `limit` distinct values of a sorted sample (stops early: only "more than limit?" matters). */
function distinctValues(sorted: ArrayLike<number>, limit: number): number[] {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length && distinct.length < limit; i++) {
    const x = sorted[i] as number;
    if (distinct.length === 0 || x !== distinct[distinct.length - 1]) distinct.push(x);
  }
  return distinct;
}
