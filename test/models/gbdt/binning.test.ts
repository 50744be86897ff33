import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binOf, binRows, fitBinLayout, MISSING_BIN, quantileEdges } from '../../../models/gbdt/binning';
import { treeValue } from '../../../models/gbdt/design';
import { fitFeatureSpec } from '../../../models/features';
import type { RawTable } from '../../../models/types';

describe('gbdt binning', () => {
  it('gives each of few distinct values its own bin, with edges at the midpoints between them', () => {
    const edges = quantileEdges(Float64Array.from([1, 1, 2, 4, 4, 4, 10]), 255);
    assert.deepEqual(Array.from(edges), [1.5, 3, 7]);
    assert.deepEqual(
      [1, 2, 4, 10, 0, 100].map((x) => binOf(edges, x)),
      [0, 1, 2, 3, 0, 3],
    );
  });

  it('cuts many distinct values into at most maxBins quantile bins whose edges fall strictly between values', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => Math.sqrt(i) / 7).sort();
    const edges = quantileEdges(values, 32);
    assert.ok(edges.length <= 31 && edges.length >= 25, `${edges.length} edges`);
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const x of values) counts[binOf(edges, x)] = (counts[binOf(edges, x)] ?? 0) + 1;
    assert.ok(Math.max(...counts) <= 2 * (values.length / 32), `bins hold ${counts.join(', ')}`);
    for (const edge of edges) assert.ok(!values.includes(edge), `edge ${edge} is a training value`);
  });

  it('keeps a comparison with the edge and a comparison of bins in agreement for every value', () => {
    const values = Float64Array.from({ length: 2_000 }, (_, i) => ((i * 7919) % 1009) / 13).sort();
    const edges = quantileEdges(values, 16);
    for (const x of values) {
      const bin = binOf(edges, x);
      edges.forEach((edge, b) => assert.equal(x <= edge, bin <= b, `x=${x} edge ${b}`));
    }
  });

  it('puts a blank numeric cell in the missing bin and an unseen category in the "other" bin', () => {
    const table: RawTable = {
      header: ['x', 'c'],
      rowCount: 5,
      columns: { x: ['1', '', '3', 'abc', '5'], c: ['a', 'b', 'a', 'b', 'z'] },
    };
    const inputs = [
      { name: 'x', kind: 'numeric' as const },
      { name: 'c', kind: 'categorical' as const },
    ];
    const spec = fitFeatureSpec(table, inputs, [0, 1, 2, 3]);
    const layout = fitBinLayout(spec, table, [0, 1, 2, 3], 255, 1);
    const binned = binRows(layout, table, [0, 1, 2, 3, 4]);
    const column = (g: number) => Array.from(binned.bins.subarray(g * 5, g * 5 + 5));
    assert.deepEqual(column(0), [0, MISSING_BIN, 1, MISSING_BIN, 1]);
    assert.deepEqual(column(1), [0, 1, 0, 1, 2]);
    assert.ok(Number.isNaN(treeValue(spec.numeric[0]!, '')));
  });
});
