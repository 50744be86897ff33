import { mergeProblems, schemaProblems, shown, type FieldProblem } from '../contracts/check';
import { MODEL_NAME_PATTERN } from '../contracts/common';
import { durationToMs } from '../core/duration';
import { type DriftMonitorInput, DriftMonitorInputSchema } from '../contracts/monitor';
import { invalidInput } from './invalid-input';

/** How far `to` may lie ahead of the workflow's clock: clocks of clients and servers disagree a little. */
export const CLOCK_SKEW_MS = 5 * 60_000;

// RFC 3339 date-time: a full date, 'T', a time with optional fraction, and a zone (Z or ±hh:mm).
const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;
// Window ends become file names and workflow ids as canonical ISO strings, which have 4-digit years.
const FIRST_MS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const LAST_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
// Epoch milliseconds below this (March 1973) are almost certainly epoch seconds.
const SMALLEST_EPOCH_MS = 100_000_000_000;

/**
 * `driftMonitor` input, checked and normalised once, before any activity: `from` and `to` become
 * canonical UTC ISO strings (`2026-11-30T18:29:00.000Z`), whatever offset or epoch milliseconds they
 * came as, so window ends, report file names and retrain ids are always well formed. Everything
 * no retry could fix fails as one non-retryable InvalidInputError that names each field: the
 * contract's schema (types, ranges, the drift config's keys), with the finer messages below in place
 * of the schema's where both speak of a field. Without `schema` (runs started before the schema
 * check) only the checks written here run.
 */
export function checkDriftMonitorInput(input: unknown, nowMs: number, { schema = true } = {}): DriftMonitorInput {
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidInput('driftMonitor', [{ field: 'input', message: 'must be a JSON object' }]);
  }
  const raw = input as Record<string, unknown>;
  if (typeof raw.modelName !== 'string' || !MODEL_NAME_PATTERN.test(raw.modelName)) {
    problem('modelName', 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  const from = normaliseTime(raw.from, 'from', problem);
  const to = normaliseTime(raw.to, 'to', problem);
  if (to !== undefined && Date.parse(to) > nowMs + CLOCK_SKEW_MS) {
    problem(
      'to',
      `${to} is in the future (now ${new Date(nowMs).toISOString()}); the next run would start its window there and never check the traffic logged before it`,
    );
  }
  if (from !== undefined && to !== undefined && Date.parse(from) > Date.parse(to)) {
    problem('from', `${from} is after to (${to})`);
  }
  if (from !== undefined && to === undefined && Date.parse(from) > nowMs + CLOCK_SKEW_MS) {
    problem('from', `${from} is in the future (now ${new Date(nowMs).toISOString()})`);
  }
  if (raw.minRows !== undefined && (!Number.isSafeInteger(raw.minRows) || (raw.minRows as number) < 1)) {
    problem('minRows', `must be a whole number of rows, at least 1; got ${shown(raw.minRows)}`);
  }
  if (
    raw.minNewLabelled !== undefined &&
    (!Number.isSafeInteger(raw.minNewLabelled) || (raw.minNewLabelled as number) < 0)
  ) {
    problem('minNewLabelled', `must be a whole number of records, 0 or more; got ${shown(raw.minNewLabelled)}`);
  }
  if (raw.cooldown !== undefined && !isDuration(raw.cooldown)) {
    problem('cooldown', `must be a duration like "30m", "6h" or "2d"; got ${shown(raw.cooldown)}`);
  }
  if (raw.retrain !== undefined && typeof raw.retrain !== 'boolean') {
    problem('retrain', `must be true or false; got ${shown(raw.retrain)}`);
  }
  checkRetrainPolicy(raw.retrainPolicy, problem);
  if (raw.config !== undefined && (typeof raw.config !== 'object' || raw.config === null)) {
    problem('config', 'must be an object of drift thresholds');
  }
  const all = mergeProblems(problems, schema ? schemaProblems(DriftMonitorInputSchema, input) : []);
  if (all.length > 0) throw invalidInput('driftMonitor', all);
  return {
    ...(raw as unknown as DriftMonitorInput),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  };
}

type Report = (field: string, message: string) => void;

/** RFC 3339 with any offset, or epoch milliseconds, as a canonical UTC ISO string; undefined stays. */
function normaliseTime(value: unknown, field: string, problem: Report): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = timeMs(value);
  if (typeof ms === 'string') {
    problem(field, ms);
    return undefined;
  }
  return new Date(ms).toISOString();
}

/** Milliseconds since the epoch, or why the value is not a time. */
function timeMs(value: unknown): number | string {
  const expected = `must be an RFC 3339 time with a zone (2026-11-30T23:59:00Z, 2026-11-30T23:59:00+05:30) or epoch milliseconds; got ${shown(value)}`;
  let ms: number | null = null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    if (value > 0 && value < SMALLEST_EPOCH_MS)
      return `${value} looks like epoch seconds; pass milliseconds (${value * 1000})`;
    ms = value;
  } else if (typeof value === 'string') {
    ms = rfc3339Ms(value);
  }
  if (ms === null) return expected;
  if (ms < FIRST_MS || ms > LAST_MS) return `${shown(value)} is outside the years 0000-9999`;
  return ms;
}

function rfc3339Ms(text: string): number | null {
  const match = RFC_3339.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Digits past milliseconds are dropped (JavaScript dates hold milliseconds).
  const millis = Number((match[7] ?? '.').slice(1).padEnd(3, '0').slice(0, 3));
  const sign = match[9] === '-' ? -1 : 1;
  const offsetHours = Number(match[10] ?? 0);
  const offsetMinutes = Number(match[11] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const local = utcMs(year, month, day, hour, minute, second) + millis;
  return local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

/** Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not. */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

function isDuration(value: unknown): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const ms = durationToMs(value);
  return Number.isFinite(ms) && ms >= 0;
}

function checkRetrainPolicy(policy: unknown, problem: Report): void {
  if (policy === undefined) return;
  const fields: Record<string, unknown> = typeof policy === 'object' && policy !== null ? { ...policy } : {};
  const { mode } = fields;
  if (mode === 'original' || mode === 'original+labelled') return;
  if (mode === 'dataUri') {
    const { dataUri } = fields;
    if (typeof dataUri !== 'string' || dataUri.trim() === '') {
      problem('retrainPolicy.dataUri', 'must be the absolute path or file:// URI of a CSV file');
    }
    return;
  }
  problem('retrainPolicy.mode', `must be "original+labelled", "original" or "dataUri"; got ${shown(mode)}`);
}
