import type { BinGroup } from './binning';
import { MISSING_BIN } from './binning';
import { BINS, STRIDE, type Histogram } from './histogram';

// The best split of one node, read off its histogram. The score of a leaf holding gradient sum G and
// hessian sum H is G²/(H+λ) (twice the drop in loss its optimal value −G/(H+λ) brings); a split's gain is
// left + right − parent. Numeric groups try every bin boundary with the missing rows on either side;
// a categorical group tries each one-hot column alone against the rest.

export interface SplitConstraints {
  l2: number;
  minSamplesLeaf: number;
  /** Smallest hessian sum a child may have (as scikit-learn's min_hessian_to_split). */
  minHessian: number;
}

export interface NodeTotals {
  gradient: number;
  hessian: number;
  count: number;
}

export interface BestSplit {
  gain: number;
  group: number;
  /** Numeric: rows with bin <= bin go left. Categorical: the rows of level `bin` go right, the rest left. */
  bin: number;
  missingLeft: boolean;
  left: NodeTotals;
  right: NodeTotals;
}

export function leafScore(gradient: number, hessian: number, l2: number): number {
  return (gradient * gradient) / (hessian + l2);
}

export function findBestSplit(
  histogram: Histogram,
  groups: readonly BinGroup[],
  totals: NodeTotals,
  limits: SplitConstraints,
): BestSplit | null {
  const parentScore = leafScore(totals.gradient, totals.hessian, limits.l2);
  let best: BestSplit | null = null;
  const consider = (group: number, bin: number, missingLeft: boolean, lg: number, lh: number, lc: number): void => {
    const rg = totals.gradient - lg;
    const rh = totals.hessian - lh;
    const rc = totals.count - lc;
    if (lc < limits.minSamplesLeaf || rc < limits.minSamplesLeaf) return;
    if (lh < limits.minHessian || rh < limits.minHessian) return;
    const gain = leafScore(lg, lh, limits.l2) + leafScore(rg, rh, limits.l2) - parentScore;
    // Strictly better only: ties keep the earlier candidate, so the result does not depend on float noise order.
    if (gain > 1e-12 && (best === null || gain > best.gain)) {
      best = {
        gain,
        group,
        bin,
        missingLeft,
        left: { gradient: lg, hessian: lh, count: lc },
        right: { gradient: rg, hessian: rh, count: rc },
      };
    }
  };
  groups.forEach((group, g) => {
    const slot = g * BINS * STRIDE;
    if (group.kind === 'categorical') {
      for (let k = 0; k < group.count; k++) {
        const at = slot + k * STRIDE;
        const count = histogram[at + 2] as number;
        if (count === 0) continue;
        // Left = every row not of level k.
        consider(
          g,
          k,
          true,
          totals.gradient - (histogram[at] as number),
          totals.hessian - (histogram[at + 1] as number),
          totals.count - count,
        );
      }
      return;
    }
    const missingAt = slot + MISSING_BIN * STRIDE;
    const mg = histogram[missingAt] as number;
    const mh = histogram[missingAt + 1] as number;
    const mc = histogram[missingAt + 2] as number;
    // Value bins are 0..edges.length; cutting after the last one would split missing from present, which a
    // threshold on the values cannot express.
    let lg = 0;
    let lh = 0;
    let lc = 0;
    for (let b = 0; b < group.edges.length; b++) {
      const at = slot + b * STRIDE;
      lg += histogram[at] as number;
      lh += histogram[at + 1] as number;
      lc += histogram[at + 2] as number;
      if (lc === 0) continue;
      if (mc > 0) {
        consider(g, b, false, lg, lh, lc);
        consider(g, b, true, lg + mg, lh + mh, lc + mc);
      } else {
        // No missing rows here: a missing value later goes where most rows went, as in scikit-learn.
        consider(g, b, 2 * lc >= totals.count, lg, lh, lc);
      }
    }
  });
  return best;
}
