import type { DriftTest } from '../../contracts';
import { pValueDigits, TEST_NAMES } from '../drift/wording';

// Number formatting for the drift report: fixed, locale-independent, and a dash for anything absent,
// so a missing metric never reads as zero.

const DASH = '—';

export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(digits);
}

/** Tiny p-values matter by order of magnitude, not by their fourth decimal. */
export function formatPValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return pValueDigits(value);
}

export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return DASH;
  return `${(share * 100).toFixed(digits)}%`;
}

export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : DASH;
}

/** Coordinates in SVG output: two decimals keep the file small and are far below a pixel. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export function testName(test: DriftTest): string {
  return TEST_NAMES[test] ?? test;
}

export function effectName(measure: 'wasserstein' | 'jensenshannon'): string {
  return TEST_NAMES[measure];
}
