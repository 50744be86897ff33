import { sigmoid } from '../logistic';
import type { FeatureSpec, Matrix, RawTable } from '../types';
import { encodeTreeInputs } from './design';
import type { GbdtModel, GbdtTree } from './types';

/** Rows encoded at a time, so scoring a million rows never holds a million-row matrix. */
const ROWS_PER_CHUNK = 20_000;

/** The model's score (log-odds) for one row of tree inputs starting at `offset` of `data`. */
export function treeMargin(model: GbdtModel, data: ArrayLike<number>, offset: number): number {
  let sum = model.baseScore;
  for (const tree of model.trees) sum += leafValue(tree, data, offset);
  return sum;
}

function leafValue(tree: GbdtTree, data: ArrayLike<number>, offset: number): number {
  let node = 0;
  for (;;) {
    const left = tree.left[node] as number;
    if (left < 0) return tree.value[node] as number;
    const x = data[offset + (tree.feature[node] as number)] as number;
    const goLeft = Number.isNaN(x) ? tree.missingLeft[node] : x <= (tree.threshold[node] as number);
    node = goLeft ? left : (tree.right[node] as number);
  }
}

export function predictGbdtProba(model: GbdtModel, X: Matrix): Float64Array {
  const out = new Float64Array(X.rows);
  for (let row = 0; row < X.rows; row++) out[row] = sigmoid(treeMargin(model, X.data, row * X.cols));
  return out;
}

/** The model's probability for each of `rows` of `table`, encoded a chunk at a time. */
export function scoreGbdtRows(
  spec: FeatureSpec,
  model: GbdtModel,
  table: RawTable,
  rows: readonly number[],
): Float64Array {
  const probabilities = new Float64Array(rows.length);
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
    const chunk = rows.slice(start, start + ROWS_PER_CHUNK);
    probabilities.set(predictGbdtProba(model, encodeTreeInputs(spec, table, chunk)), start);
  }
  return probabilities;
}
