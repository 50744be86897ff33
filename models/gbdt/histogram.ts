import type { BinnedRows } from './binning';

// Gradient/hessian histograms: for every bin group and bin, the sums of gradient, hessian and row count
// over a node's rows. A node's best split is read off its histogram, and a child's histogram is the
// parent's minus its sibling's (the subtraction trick), so only the smaller child is ever scanned.

/** Bins per group in a histogram (a byte's worth: value bins, "other" level and the missing bin). */
export const BINS = 256;
/** Doubles per bin: gradient sum, hessian sum, row count. */
export const STRIDE = 3;

export type Histogram = Float64Array;

export function newHistogram(groups: number): Histogram {
  return new Float64Array(groups * BINS * STRIDE);
}

/**
 * Fills `out` from the rows `order[start..end)`. The node's gradients and hessians are first gathered
 * into one contiguous buffer; then each group's column of bins (one byte per row, column-major) is read
 * by row index. A column of 600,000 rows is 600 kB and stays in cache, which a row-major matrix of all
 * groups does not: this is scikit-learn's layout, and three times faster here at a million rows.
 */
export function buildHistogram(
  out: Histogram,
  data: BinnedRows,
  order: Uint32Array,
  start: number,
  end: number,
  gradients: Float64Array,
  hessians: Float64Array,
  gathered: Float64Array,
): void {
  out.fill(0);
  const count = end - start;
  if (count === data.rows) {
    // Every row (the root): order does not matter to a sum, so read bins and gradients in storage order.
    allRows(out, data, gradients, hessians);
    return;
  }
  for (let i = 0; i < count; i++) {
    const row = order[start + i] as number;
    gathered[2 * i] = gradients[row] as number;
    gathered[2 * i + 1] = hessians[row] as number;
  }
  const { bins, rows } = data;
  for (let group = 0; group < data.groups; group++) {
    const column = group * rows;
    const slot = group * BINS * STRIDE;
    for (let i = 0; i < count; i++) {
      const at = slot + (bins[column + (order[start + i] as number)] as number) * STRIDE;
      out[at] = (out[at] as number) + (gathered[2 * i] as number);
      out[at + 1] = (out[at + 1] as number) + (gathered[2 * i + 1] as number);
      out[at + 2] = (out[at + 2] as number) + 1;
    }
  }
}

function allRows(out: Histogram, data: BinnedRows, gradients: Float64Array, hessians: Float64Array): void {
  const { bins, rows } = data;
  for (let group = 0; group < data.groups; group++) {
    const column = group * rows;
    const slot = group * BINS * STRIDE;
    for (let row = 0; row < rows; row++) {
      const at = slot + (bins[column + row] as number) * STRIDE;
      out[at] = (out[at] as number) + (gradients[row] as number);
      out[at + 1] = (out[at + 1] as number) + (hessians[row] as number);
      out[at + 2] = (out[at + 2] as number) + 1;
    }
  }
}

/** `parent` becomes parent − child, in place: the sibling's histogram without scanning its rows. */
export function subtractHistogram(parent: Histogram, child: Histogram): void {
  for (let i = 0; i < parent.length; i++) parent[i] = (parent[i] as number) - (child[i] as number);
}
