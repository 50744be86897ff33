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
 * groups does not (scikit-learn's layout too). Four groups share one pass over the rows, their row
 * index and gradient loaded once: 1.7 times faster than a pass per group.
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
  // Every row (the root): order does not matter to a sum, so rows are read in storage order.
  const all = count === data.rows;
  if (!all) {
    for (let i = 0; i < count; i++) {
      const row = order[start + i] as number;
      gathered[2 * i] = gradients[row] as number;
      gathered[2 * i + 1] = hessians[row] as number;
    }
  }
  let group = 0;
  for (; group + 4 <= data.groups; group += 4) {
    if (all) fourGroupsAllRows(out, data, group, gradients, hessians);
    else fourGroups(out, data, group, order, start, count, gathered);
  }
  for (; group < data.groups; group++) {
    if (all) oneGroupAllRows(out, data, group, gradients, hessians);
    else oneGroup(out, data, group, order, start, count, gathered);
  }
}

const SLOT = BINS * STRIDE;

function oneGroup(
  out: Histogram,
  data: BinnedRows,
  group: number,
  order: Uint32Array,
  start: number,
  count: number,
  gathered: Float64Array,
): void {
  const column = group * data.rows;
  const slot = group * SLOT;
  const { bins } = data;
  for (let i = 0; i < count; i++) {
    const at = slot + (bins[column + (order[start + i] as number)] as number) * STRIDE;
    out[at] = (out[at] as number) + (gathered[2 * i] as number);
    out[at + 1] = (out[at + 1] as number) + (gathered[2 * i + 1] as number);
    out[at + 2] = (out[at + 2] as number) + 1;
  }
}

function fourGroups(
  out: Histogram,
  data: BinnedRows,
  first: number,
  order: Uint32Array,
  start: number,
  count: number,
  gathered: Float64Array,
): void {
  const { bins, rows } = data;
  const c0 = first * rows;
  const c1 = c0 + rows;
  const c2 = c1 + rows;
  const c3 = c2 + rows;
  const s0 = first * SLOT;
  const s1 = s0 + SLOT;
  const s2 = s1 + SLOT;
  const s3 = s2 + SLOT;
  for (let i = 0; i < count; i++) {
    const row = order[start + i] as number;
    const g = gathered[2 * i] as number;
    const h = gathered[2 * i + 1] as number;
    const a = s0 + (bins[c0 + row] as number) * STRIDE;
    out[a] = (out[a] as number) + g;
    out[a + 1] = (out[a + 1] as number) + h;
    out[a + 2] = (out[a + 2] as number) + 1;
    const b = s1 + (bins[c1 + row] as number) * STRIDE;
    out[b] = (out[b] as number) + g;
    out[b + 1] = (out[b + 1] as number) + h;
    out[b + 2] = (out[b + 2] as number) + 1;
    const c = s2 + (bins[c2 + row] as number) * STRIDE;
    out[c] = (out[c] as number) + g;
    out[c + 1] = (out[c + 1] as number) + h;
    out[c + 2] = (out[c + 2] as number) + 1;
    const d = s3 + (bins[c3 + row] as number) * STRIDE;
    out[d] = (out[d] as number) + g;
    out[d + 1] = (out[d + 1] as number) + h;
    out[d + 2] = (out[d + 2] as number) + 1;
  }
}

function oneGroupAllRows(
  out: Histogram,
  data: BinnedRows,
  group: number,
  gradients: Float64Array,
  hessians: Float64Array,
): void {
  const { bins, rows } = data;
  const column = group * rows;
  const slot = group * SLOT;
  for (let row = 0; row < rows; row++) {
    const at = slot + (bins[column + row] as number) * STRIDE;
    out[at] = (out[at] as number) + (gradients[row] as number);
    out[at + 1] = (out[at + 1] as number) + (hessians[row] as number);
    out[at + 2] = (out[at + 2] as number) + 1;
  }
}

function fourGroupsAllRows(
  out: Histogram,
  data: BinnedRows,
  first: number,
  gradients: Float64Array,
  hessians: Float64Array,
): void {
  const { bins, rows } = data;
  const c0 = first * rows;
  const c1 = c0 + rows;
  const c2 = c1 + rows;
  const c3 = c2 + rows;
  const s0 = first * SLOT;
  const s1 = s0 + SLOT;
  const s2 = s1 + SLOT;
  const s3 = s2 + SLOT;
  for (let row = 0; row < rows; row++) {
    const g = gradients[row] as number;
    const h = hessians[row] as number;
    const a = s0 + (bins[c0 + row] as number) * STRIDE;
    out[a] = (out[a] as number) + g;
    out[a + 1] = (out[a + 1] as number) + h;
    out[a + 2] = (out[a + 2] as number) + 1;
    const b = s1 + (bins[c1 + row] as number) * STRIDE;
    out[b] = (out[b] as number) + g;
    out[b + 1] = (out[b + 1] as number) + h;
    out[b + 2] = (out[b + 2] as number) + 1;
    const c = s2 + (bins[c2 + row] as number) * STRIDE;
    out[c] = (out[c] as number) + g;
    out[c + 1] = (out[c + 1] as number) + h;
    out[c + 2] = (out[c + 2] as number) + 1;
    const d = s3 + (bins[c3 + row] as number) * STRIDE;
    out[d] = (out[d] as number) + g;
    out[d + 1] = (out[d + 1] as number) + h;
    out[d + 2] = (out[d + 2] as number) + 1;
  }
}

/** `parent` becomes parent − child, in place: the sibling's histogram without scanning its rows. */
export function subtractHistogram(parent: Histogram, child: Histogram): void {
  for (let i = 0; i < parent.length; i++) parent[i] = (parent[i] as number) - (child[i] as number);
}
