import type { DriftTest } from '../../contracts';
import { pValueDigits, TEST_NAMES } from '../drift/wording';

// How every value reaches the drift report's HTML: strings escaped, labels shortened, and numbers
// fixed, locale-independent, with a dash for anything absent so a missing metric never reads as zero.

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

// Feature names and category levels come from client data, so every string from a report goes
// through escapeHtml before it reaches the HTML. The same escaping is safe in text and in quoted attributes.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Shortens a label to `max` characters (ellipsis included); the caller shows the full text as a tooltip. */
export function truncateLabel(text: string, max: number): string {
  const chars = Array.from(text); // by code point, so an emoji or accented level is never cut in half
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** How a level reads on screen: the empty string is the missing value, not an invisible label. */
export function displayLabel(label: string): string {
  return label === '' ? '(missing)' : label;
}
