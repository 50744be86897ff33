import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sharedRowCount, targetLeakSuspects } from '../../models/leakage';
import type { RawTable } from '../../models/types';

function table(columns: Record<string, string[]>): RawTable {
  const header = Object.keys(columns);
  return { header, rowCount: columns[header[0] as string]?.length ?? 0, columns };
}

describe('sharedRowCount', () => {
  const data = table({
    a: ['1', '2', '3', '1', '2', '9'],
    b: ['x', 'y', 'z', 'x', 'y', 'x'],
    id: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'],
  });

  test('counts test rows equal cell for cell to a fitted row, over the given columns only', () => {
    assert.equal(sharedRowCount(data, ['a', 'b'], [0, 1, 2], [3, 4, 5]), 2);
    assert.equal(sharedRowCount(data, ['a', 'b', 'id'], [0, 1, 2], [3, 4, 5]), 0);
  });

  test('tells apart rows whose cells only differ in where one ends and the next begins', () => {
    const shifted = table({ a: ['ab', 'a'], b: ['c', 'bc'] });
    assert.equal(sharedRowCount(shifted, ['a', 'b'], [0], [1]), 0);
  });
});

describe('targetLeakSuspects', () => {
  const labels = Uint8Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0));

  test('names a categorical copy of the target and a numeric that separates the classes, and nothing else', () => {
    const data = table({
      copy: Array.from(labels, (y) => (y === 1 ? 'yes' : 'no')),
      score: Array.from(labels, (y, i) => String(y === 1 ? 100 + i : i / 10)),
      noise: Array.from(labels, (_, i) => String((i * 37) % 11)),
      level: Array.from(labels, (_, i) => ['a', 'b', 'c'][i % 7 === 0 ? 0 : i % 2 === 0 ? 1 : 2] as string),
    });
    const suspects = targetLeakSuspects(
      data,
      [
        { name: 'copy', kind: 'categorical' },
        { name: 'score', kind: 'numeric' },
        { name: 'noise', kind: 'numeric' },
        { name: 'level', kind: 'categorical' },
      ],
      labels,
    );
    assert.deepEqual(
      suspects.map((s) => s.column),
      ['copy', 'score'],
    );
  });

  test('does not count levels of a few rows each as pure evidence (a column of near-unique values)', () => {
    const data = table({ unique: Array.from(labels, (_, i) => `v${i}`) });
    assert.deepEqual(targetLeakSuspects(data, [{ name: 'unique', kind: 'categorical' }], labels), []);
  });

  test('finds a copy of the target in a table larger than the rows it looks at', () => {
    const many = Uint8Array.from({ length: 250_000 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const data = table({
      copy: Array.from(many, (y) => (y === 1 ? 'yes' : 'no')),
      noise: Array.from(many, (_, i) => String(i % 13)),
    });
    const inputs = [
      { name: 'copy', kind: 'categorical' as const },
      { name: 'noise', kind: 'numeric' as const },
    ];
    assert.deepEqual(
      targetLeakSuspects(data, inputs, many).map((s) => s.column),
      ['copy'],
    );
  });
});
