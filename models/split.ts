import { InvalidInputError } from '../core/errors';
import { createRng } from './random';

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

/**
 * Splits row indices into train / validation / test so that each label keeps its share in every
 * part. Each class is shuffled with the seeded generator and cut by cumulative rounding, so the
 * parts never overlap and always cover every row. Indices come back ascending.
 */
export function stratifiedSplit(labels: Uint8Array, fractions: SplitFractions, seed: number): SplitIndices {
  validateFractions(fractions);
  const rng = createRng(seed);
  const split: SplitIndices = { train: [], validation: [], test: [] };
  for (const members of groupByLabel(labels)) {
    shuffleInPlace(members, rng);
    const trainEnd = Math.round(members.length * fractions.train);
    const validationEnd = Math.round(members.length * (fractions.train + fractions.validation));
    appendRange(split.train, members, 0, trainEnd);
    appendRange(split.validation, members, trainEnd, validationEnd);
    appendRange(split.test, members, validationEnd, members.length);
  }
  for (const part of [split.train, split.validation, split.test]) part.sort((a, b) => a - b);
  return split;
}

/** `target.push(...source.slice(start, end))` without the spread, which overflows the stack past ~125k items. */
function appendRange(target: number[], source: number[], start: number, end: number): void {
  for (let i = start; i < end; i++) target.push(source[i] as number);
}

function validateFractions({ train, validation, test }: SplitFractions): void {
  const parts = [train, validation, test];
  if (parts.some((f) => !Number.isFinite(f) || f < 0) || Math.abs(train + validation + test - 1) > 1e-9) {
    throw new InvalidInputError(`Split fractions must be non-negative and sum to 1, got ${parts.join(' / ')}`);
  }
}

/** Row indices per distinct label, labels in ascending order so the rng is consumed the same way every run. */
function groupByLabel(labels: Uint8Array): number[][] {
  const groups = new Map<number, number[]>();
  labels.forEach((label, index) => {
    const group = groups.get(label) ?? [];
    group.push(index);
    groups.set(label, group);
  });
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, members]) => members);
}

function shuffleInPlace(items: number[], rng: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const held = items[i] as number;
    items[i] = items[j] as number;
    items[j] = held;
  }
}
