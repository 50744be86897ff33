import padjust from '@stdlib/stats-padjust';
import type { DriftConfig } from '../types';

// With 19 features tested at 5% each, a window of pure noise would flag about one feature in
// every window; the p-values are therefore adjusted together before any is compared with alpha.

export type Correction = DriftConfig['correction'];

/** Adjusted p-values in input order: Benjamini–Hochberg (false discovery rate) or Bonferroni (family-wise). */
export function adjustPValues(pValues: readonly number[], method: Correction): number[] {
  if (pValues.length === 0) return [];
  return padjust([...pValues], method);
}

export const CORRECTION_NAMES: Record<Correction, string> = { bh: 'BH', bonferroni: 'Bonferroni' };
