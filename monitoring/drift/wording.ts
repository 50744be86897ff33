import type { DriftTest } from '../../contracts';

// Numbers and phrases for the sentences of drift reasons and the summary. Kept apart from
// report/format.ts, which formats table cells, where an absent value must show as a dash.

/** A change in the share of missing values is worth mentioning from one percentage point. */
const MISSING_NOTE_FROM = 0.01;

export const TEST_NAMES: Record<DriftTest, string> = {
  ks: 'KS',
  chi2: 'chi-square',
  wasserstein: 'Wasserstein',
  jensenshannon: 'Jensen–Shannon',
};

/** The level whose share changed most, e.g. "'Month-to-month' rose from 55.0% to 65.0%". */
export function biggestMove(levels: string[], reference: number[], live: number[]): string {
  let best = 0;
  levels.forEach((_, k) => {
    const gap = Math.abs((live[k] as number) - (reference[k] as number));
    if (gap > Math.abs((live[best] as number) - (reference[best] as number))) best = k;
  });
  const level = levels[best] as string;
  const name = level === '' ? 'missing values' : `'${level}'`;
  const from = reference[best] as number;
  const to = live[best] as number;
  if (from === 0) return `new level ${name} makes up ${pct(to)} of rows`;
  if (to === 0) return `${name} vanished (was ${pct(from)})`;
  return `${name} ${to >= from ? 'rose' : 'fell'} from ${pct(from)} to ${pct(to)}`;
}

export function missingNote(reference: number, live: number): string {
  return Math.abs(live - reference) >= MISSING_NOTE_FROM ? `, missing ${pct(reference)} → ${pct(live)}` : '';
}

export function nameList(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

export function value(x: number): string {
  return String(Number(x.toPrecision(4)));
}

export function signed(x: number, digits = 2): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
}

export function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** "p=0.03", "p=1.2e-12", or "p<1e-15" where 1 − CDF runs out of precision. */
export function pValue(p: number): string {
  return p < 1e-15 ? 'p<1e-15' : `p=${pValueDigits(p)}`;
}

/** A p-value's digits, for sentences and table cells alike: tiny ones by order of magnitude. */
export function pValueDigits(p: number): string {
  if (p === 0) return '0';
  return p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

/** A first monitor run reads the log from its beginning, which the log reports as the epoch. */
export function isLogStart(time: string): boolean {
  return Date.parse(time) === 0;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
