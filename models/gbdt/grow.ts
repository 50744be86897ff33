import type { BinGroup, BinnedRows } from './binning';
import { MISSING_BIN } from './binning';
import { buildHistogram, newHistogram, subtractHistogram, type Histogram } from './histogram';
import { findBestSplit, type BestSplit, type NodeTotals, type SplitConstraints } from './split';
import type { GbdtTree } from './types';

// Grows one tree best-first (the leaf whose split gains most is split next) on binned rows, until it
// has `maxLeaves` leaves or no split gains. Rows are kept as one index array partitioned in place, so a
// node is a range of it and a leaf's rows are known without walking the tree.

export interface GrowOptions extends SplitConstraints {
  maxLeaves: number;
  /** 0 = unlimited. */
  maxDepth: number;
  learningRate: number;
}

/** A tree in both forms: on bins (to score binned rows while boosting) and on values (the model). */
export interface GrownTree {
  tree: GbdtTree;
  /** Per node: the bin group split on and its bin (see BestSplit), −1 at leaves. */
  group: Int32Array;
  bin: Int32Array;
  /** Each leaf's node and its rows `order[start..end)`. */
  leaves: { node: number; start: number; end: number }[];
}

/** Row buffers and histograms reused by every tree of one boosting run. */
export class GrowWorkspace {
  readonly order: Uint32Array;
  /** Gradient and hessian of a node's rows, interleaved, in node order (see buildHistogram). */
  readonly gathered: Float64Array;
  private readonly scratch: Uint32Array;
  private readonly free: Histogram[] = [];

  constructor(
    readonly data: BinnedRows,
    readonly groups: readonly BinGroup[],
  ) {
    this.order = Uint32Array.from({ length: data.rows }, (_, i) => i);
    this.scratch = new Uint32Array(data.rows);
    this.gathered = new Float64Array(2 * data.rows);
  }

  histogram(): Histogram {
    return this.free.pop() ?? newHistogram(this.data.groups);
  }

  release(histogram: Histogram): void {
    this.free.push(histogram);
  }

  /** Moves the rows of `order[start..end)` that go left to the front; returns where the right ones begin. */
  partition(start: number, end: number, goesLeft: (bin: number) => boolean, group: number): number {
    const { order, scratch } = this;
    const { bins, rows } = this.data;
    const column = group * rows;
    let left = start;
    let right = 0;
    for (let i = start; i < end; i++) {
      const row = order[i] as number;
      if (goesLeft(bins[column + row] as number)) order[left++] = row;
      else scratch[right++] = row;
    }
    order.set(scratch.subarray(0, right), left);
    return left;
  }
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  totals: NodeTotals;
  histogram: Histogram | null;
  split: BestSplit | null;
}

export function growTree(
  workspace: GrowWorkspace,
  gradients: Float64Array,
  hessians: Float64Array,
  options: GrowOptions,
): GrownTree {
  const { data, groups } = workspace;
  const nodes = { feature: [] as number[], threshold: [] as number[], missingLeft: [] as boolean[] };
  const children = { left: [] as number[], right: [] as number[] };
  const values: number[] = [];
  const splitGroup: number[] = [];
  const splitBin: number[] = [];
  const addNode = (totals: NodeTotals): number => {
    nodes.feature.push(-1);
    nodes.threshold.push(0);
    nodes.missingLeft.push(true);
    children.left.push(-1);
    children.right.push(-1);
    splitGroup.push(-1);
    splitBin.push(-1);
    values.push((-options.learningRate * totals.gradient) / (totals.hessian + options.l2));
    return values.length - 1;
  };
  const canSplit = (count: number, depth: number) =>
    count >= 2 * options.minSamplesLeaf && (options.maxDepth === 0 || depth < options.maxDepth);
  const withSplit = (leaf: Leaf): Leaf => {
    if (leaf.histogram && canSplit(leaf.totals.count, leaf.depth)) {
      leaf.split = findBestSplit(leaf.histogram, groups, leaf.totals, options);
    }
    if (!leaf.split && leaf.histogram) {
      workspace.release(leaf.histogram); // a leaf that stays a leaf needs no histogram
      leaf.histogram = null;
    }
    return leaf;
  };

  // Ascending rows at the root, so (partitions being stable) every node's rows are ascending and its
  // histogram reads each column front to back instead of in the last tree's leaf order.
  for (let i = 0; i < data.rows; i++) workspace.order[i] = i;
  const rootHistogram = workspace.histogram();
  buildHistogram(rootHistogram, data, workspace.order, 0, data.rows, gradients, hessians, workspace.gathered);
  const rootTotals = totalsOf(gradients, hessians, workspace.order, 0, data.rows);
  const open: Leaf[] = [
    withSplit({
      node: addNode(rootTotals),
      start: 0,
      end: data.rows,
      depth: 0,
      totals: rootTotals,
      histogram: rootHistogram,
      split: null,
    }),
  ];
  let leafCount = 1;
  while (leafCount < options.maxLeaves) {
    let bestAt = -1;
    open.forEach((leaf, at) => {
      if (leaf.split && (bestAt < 0 || leaf.split.gain > (open[bestAt]?.split?.gain ?? 0))) bestAt = at;
    });
    const leaf = open[bestAt];
    if (!leaf?.split || !leaf.histogram) break;
    const { split } = leaf;
    const group = groups[split.group] as BinGroup;
    const goesLeft =
      group.kind === 'numeric'
        ? (bin: number) => (bin === MISSING_BIN ? split.missingLeft : bin <= split.bin)
        : (bin: number) => bin !== split.bin;
    const middle = workspace.partition(leaf.start, leaf.end, goesLeft, split.group);
    const left = addNode(split.left);
    const right = addNode(split.right);
    children.left[leaf.node] = left;
    children.right[leaf.node] = right;
    splitGroup[leaf.node] = split.group;
    splitBin[leaf.node] = split.bin;
    nodes.missingLeft[leaf.node] = split.missingLeft;
    if (group.kind === 'numeric') {
      nodes.feature[leaf.node] = group.column;
      nodes.threshold[leaf.node] = group.edges[split.bin] as number;
    } else {
      nodes.feature[leaf.node] = group.firstColumn + split.bin;
      nodes.threshold[leaf.node] = 0.5;
    }

    // Scan the smaller child; the larger one's histogram is the parent's minus it, in the parent's buffer.
    const leftIsSmaller = middle - leaf.start <= leaf.end - middle;
    const needsHistogram = canSplit(split.left.count, leaf.depth + 1) || canSplit(split.right.count, leaf.depth + 1);
    let small: Histogram | null = null;
    let large: Histogram | null = null;
    if (needsHistogram) {
      small = workspace.histogram();
      const [from, to] = leftIsSmaller ? [leaf.start, middle] : [middle, leaf.end];
      buildHistogram(small, data, workspace.order, from, to, gradients, hessians, workspace.gathered);
      subtractHistogram(leaf.histogram, small);
      large = leaf.histogram;
    } else {
      workspace.release(leaf.histogram);
    }
    const child = (node: number, start: number, end: number, totals: NodeTotals, histogram: Histogram | null) =>
      withSplit({ node, start, end, depth: leaf.depth + 1, totals, histogram, split: null });
    open.splice(
      bestAt,
      1,
      child(left, leaf.start, middle, split.left, leftIsSmaller ? small : large),
      child(right, middle, leaf.end, split.right, leftIsSmaller ? large : small),
    );
    leafCount++;
  }
  for (const leaf of open) if (leaf.histogram) workspace.release(leaf.histogram);
  return {
    tree: { ...nodes, ...children, value: values },
    group: Int32Array.from(splitGroup),
    bin: Int32Array.from(splitBin),
    leaves: open.map(({ node, start, end }) => ({ node, start, end })),
  };
}

function totalsOf(
  gradients: Float64Array,
  hessians: Float64Array,
  order: Uint32Array,
  start: number,
  end: number,
): NodeTotals {
  let gradient = 0;
  let hessian = 0;
  for (let i = start; i < end; i++) {
    const row = order[i] as number;
    gradient += gradients[row] as number;
    hessian += hessians[row] as number;
  }
  return { gradient, hessian, count: end - start };
}

/** The leaf value of each binned row (scores the validation rows while boosting). */
export function addTreeOnBins(
  grown: GrownTree,
  groups: readonly BinGroup[],
  data: BinnedRows,
  scores: Float64Array,
): void {
  const { left, right, value, missingLeft } = grown.tree;
  for (let row = 0; row < data.rows; row++) {
    let node = 0;
    for (;;) {
      const next = left[node] as number;
      if (next < 0) break;
      const g = grown.group[node] as number;
      const bin = data.bins[g * data.rows + row] as number;
      const splitBin = grown.bin[node] as number;
      const goLeft =
        (groups[g] as BinGroup).kind === 'numeric'
          ? bin === MISSING_BIN
            ? (missingLeft[node] as boolean)
            : bin <= splitBin
          : bin !== splitBin;
      node = goLeft ? next : (right[node] as number);
    }
    scores[row] = (scores[row] as number) + (value[node] as number);
  }
}
