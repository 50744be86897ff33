import type { Rule } from './rules';
import type { FeatureQuality, Histogram } from '../types';

/** One feature's comparison before the verdict, which needs every p-value for the correction. */
export interface Measurement {
  name: string;
  kind: 'numeric' | 'categorical';
  rule: Rule;
  statistic: number;
  pValue?: number;
  effect: number;
  psi: number;
  rows: number;
  liveMissingShare: number;
  histogram: Histogram;
  /** Blanks and out-of-range values, counted in the same pass over the column. */
  quality: FeatureQuality;
  /** What changed, in words: "mean 64.76 → 71.3 (+0.30 SD), distribution shift 0.31 SD". */
  change: string;
  /** Set when no test could run (no reference or no live values): the verdict is already known. */
  verdict?: { drifted: boolean; reason: string };
}
