import { readFileSync, writeFileSync } from 'node:fs';
import { createRng } from '../../models/random';
import { TELCO_CSV } from './paths';

// Training files that used to freeze a worker (issue 7): built from the real Telco rows, so all that
// is wrong with them is the one thing each adds.

function telcoLines(rows?: number): string[] {
  const lines = readFileSync(TELCO_CSV, 'utf8').trim().split(/\r?\n/);
  return rows === undefined ? lines : lines.slice(0, rows + 1);
}

/** The Telco header plus `extra` numeric columns of seeded noise, on the first `rows` Telco rows. */
export function writeWideCsv(path: string, extra: number, rows: number, seed = 1): void {
  const rng = createRng(seed);
  const names = Array.from({ length: extra }, (_, i) => `x${i + 1}`);
  const lines = telcoLines(rows).map((line, i) =>
    i === 0 ? `${line},${names.join(',')}` : `${line},${names.map(() => (rng() * 100).toFixed(3)).join(',')}`,
  );
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** The Telco CSV plus a column `name` with a distinct string on every row (a free-text note, a hash). */
export function writeHighCardinalityCsv(path: string, name = 'note'): void {
  const lines = telcoLines().map((line, i) =>
    i === 0 ? `${line},${name}` : `${line},note-${(i * 7919).toString(36)}`,
  );
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** How an extra column's value is made from a row's cells (by header name) and its 1-based data row number. */
export type ColumnValue = (cells: Record<string, string>, row: number) => string;

/** The Telco CSV plus extra columns, given as [name, value] pairs so any name (even `__proto__`) is plain. */
export function writeTelcoWithColumns(path: string, columns: [name: string, value: ColumnValue][]): void {
  const lines = telcoLines();
  const header = (lines[0] as string).split(',');
  const out = lines.map((line, i) => {
    if (i === 0) return `${line},${columns.map(([name]) => name).join(',')}`;
    const values = line.split(',');
    const cells = Object.fromEntries(header.map((name, j) => [name, values[j] ?? '']));
    return `${line},${columns.map(([, value]) => value(cells, i)).join(',')}`;
  });
  writeFileSync(path, `${out.join('\n')}\n`);
}
