import { Tensor } from 'onnxruntime-node';
import { parseNumeric } from '../../models/features';
import type { FeatureSpec } from '../../models/types';
import { printableExcerpt } from '../../data/excerpt';

/** Why a row was not scored: the column (null for the row as a whole), a short kind for counting, and the full reason. */
export interface RowProblem {
  column: string | null;
  kind: string;
  reason: string;
}

interface Slot {
  name: string;
  /** Position of the column among the row's values. */
  at: number;
  numeric: boolean;
  /** Each level to itself: a valid cell is fed as the level's one shared string, so the row's own copy dies young. */
  levels: ReadonlyMap<string, string>;
  numbers: Float32Array;
  strings: string[];
}

/**
 * Checks rows against a version's input columns and gathers the valid ones straight into the model's
 * feeds (no record objects in between): numerics as float32 (blank = NaN, imputed by the graph as in
 * training), categories as strings seen in training. CSV cells are trimmed, as the trainer read them.
 */
export class FeedBuilder {
  private readonly slots: Slot[];
  private count = 0;

  constructor(
    spec: FeatureSpec,
    modelInputs: readonly string[],
    columns: readonly string[],
    private readonly capacity: number,
  ) {
    const levels = new Map(
      spec.categorical.map((feature) => [feature.name, new Map(feature.levels.map((level) => [level, level]))]),
    );
    const used = new Set(modelInputs);
    this.slots = spec.inputs
      .filter((input) => used.has(input.name))
      .map((input) => ({
        name: input.name,
        at: columns.indexOf(input.name),
        numeric: input.kind === 'numeric',
        levels: levels.get(input.name) ?? new Map<string, string>(),
        numbers: new Float32Array(input.kind === 'numeric' ? capacity : 0),
        strings: input.kind === 'numeric' ? [] : new Array<string>(capacity),
      }));
  }

  get rows(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** Adds the row when every model column is valid; otherwise returns its problems and adds nothing. */
  add(values: readonly unknown[]): RowProblem[] | undefined {
    let problems: RowProblem[] | undefined;
    const row = this.count;
    for (const slot of this.slots) {
      const value = slot.at < values.length ? values[slot.at] : undefined;
      const problem = slot.numeric ? this.putNumber(slot, row, value) : this.putCategory(slot, row, value);
      if (problem) (problems ??= []).push(problem);
    }
    if (!problems) this.count++;
    return problems;
  }

  /** The feeds of the rows added since the last `reset`. */
  feeds(): Record<string, Tensor> {
    const n = this.count;
    const feeds = Object.create(null) as Record<string, Tensor>;
    for (const slot of this.slots) {
      feeds[slot.name] = slot.numeric
        ? new Tensor('float32', slot.numbers.subarray(0, n), [n, 1])
        : new Tensor('string', n === this.capacity ? slot.strings : slot.strings.slice(0, n), [n, 1]);
    }
    return feeds;
  }

  reset(): void {
    this.count = 0;
  }

  private putNumber(slot: Slot, row: number, value: unknown): RowProblem | undefined {
    if (value === undefined) return missing(slot.name);
    let number: number;
    if (value === null || (typeof value === 'string' && value.trim() === '')) number = NaN;
    else if (typeof value === 'bigint') number = Number(value);
    else {
      number = parseNumeric(value);
      if (Number.isNaN(number)) {
        return {
          column: slot.name,
          kind: `wrong type in "${slot.name}"`,
          reason: `must be a number or blank, got ${shown(value)}`,
        };
      }
    }
    slot.numbers[row] = number;
    return undefined;
  }

  private putCategory(slot: Slot, row: number, value: unknown): RowProblem | undefined {
    if (value === undefined) return missing(slot.name);
    const text = categoryText(value);
    const level = slot.levels.get(text);
    if (level === undefined) {
      const known = [...slot.levels.keys()].slice(0, 10).map((name) => JSON.stringify(name));
      return {
        column: slot.name,
        kind: `unseen category in "${slot.name}"`,
        reason: `unseen category ${shown(text)}; the model knows ${known.join(', ')}${slot.levels.size > 10 ? ', …' : ''}`,
      };
    }
    slot.strings[row] = level;
    return undefined;
  }
}

function categoryText(value: unknown): string {
  if (value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

function missing(name: string): RowProblem {
  return { column: name, kind: `missing column "${name}"`, reason: `missing column "${name}"` };
}

function shown(value: unknown): string {
  return JSON.stringify(printableExcerpt(typeof value === 'string' ? value : String(value), 100));
}
