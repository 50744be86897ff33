import ms, { type StringValue } from 'ms';

/**
 * Milliseconds in a duration as Temporal reads one: a number of milliseconds, or a string like '30m',
 * '6h' or '2d' parsed by `ms`, the parser the Temporal SDK uses. NaN when it is neither. Pure, so
 * workflow code may call it.
 */
export function durationToMs(value: string | number): number {
  if (typeof value === 'number') return value;
  try {
    return ms(value as StringValue);
  } catch {
    return Number.NaN;
  }
}
