import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The real Telco data set, read from ../shared beside the clone (never copied into the repo), or from
 * MLCYCLE_TELCO_CSV for a clone that has it elsewhere.
 */
export const TELCO_CSV =
  process.env.MLCYCLE_TELCO_CSV ?? resolve(__dirname, '..', '..', '..', 'shared', 'data', 'telco-customer-churn.csv');

/** Screenshots, recorded histories and other things a person may want to look at after a run. */
export const TEST_OUTPUT = resolve(__dirname, '..', '..', 'test-output');

export function tempHome(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mlcycle-${prefix}-`));
}
