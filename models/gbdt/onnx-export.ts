import { InvalidInputError } from '../../core/errors';
import {
  designMatrix,
  encodeModel,
  GraphBuilder,
  ML_DOMAIN,
  node,
  OUTPUT_NAME,
  validateSpec,
  type OnnxExportMeta,
} from '../onnx-export';
import type { FeatureSpec } from '../types';
import type { GbdtModel, GbdtTree } from './types';

// The trees as ONNX, after the same preprocessing graph as the logistic model (onnx-export.ts) except
// that a missing numeric stays NaN:
//
//   design matrix (double) ─ TreeEnsembleClassifier(post_transform LOGISTIC) ─ Slice(class 1) ─ probability
//
// Thresholds, leaf values and the base score are double tensors (ai.onnx.ml 3's *_as_tensor
// attributes): onnxruntime then compares and sums in double, so a row takes the same path as in
// training. Each threshold lies strictly between two training values (binning.ts), and both sides
// compare the same double, (float32(x) − mean) / std, computed with the same operations.

export function exportGbdtToOnnx(spec: FeatureSpec, model: GbdtModel, meta: OnnxExportMeta): Uint8Array {
  const width = validateSpec(spec);
  validateTrees(model, width);
  const graph = new GraphBuilder(spec.inputs.map((input) => input.name));
  const design = designMatrix(graph, spec, { imputeMissing: false });
  const label = graph.name('label');
  const scores = graph.name('class_probabilities');
  graph.nodes.push(
    node(
      'TreeEnsembleClassifier',
      [design],
      [label, scores],
      graph.name('trees'),
      ensembleAttributes(model),
      ML_DOMAIN,
    ),
  );
  // Scores are [N, 2]: P(class 0), P(class 1); the model's output is the second column as [N, 1].
  const starts = graph.int64s('class1_start', [1]);
  const ends = graph.int64s('class1_end', [2]);
  const axes = graph.int64s('class_axis', [1]);
  graph.nodes.push(node('Slice', [scores, starts, ends, axes], [OUTPUT_NAME], graph.name('positive_class'), {}));
  return encodeModel(graph, spec, meta);
}

function ensembleAttributes(model: GbdtModel) {
  // A model with no tree (validation never improved) still needs one: a single leaf worth 0.
  const trees: GbdtTree[] =
    model.trees.length > 0
      ? model.trees
      : [{ feature: [0], threshold: [0], missingLeft: [true], left: [-1], right: [-1], value: [0] }];
  const nodes = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    modes: [] as string[],
    values: [] as number[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTrue: [] as number[],
  };
  const leaves = { treeIds: [] as number[], nodeIds: [] as number[], weights: [] as number[] };
  trees.forEach((tree, t) => {
    tree.left.forEach((left, n) => {
      const isLeaf = left < 0;
      nodes.treeIds.push(t);
      nodes.nodeIds.push(n);
      nodes.featureIds.push(isLeaf ? 0 : (tree.feature[n] as number));
      nodes.modes.push(isLeaf ? 'LEAF' : 'BRANCH_LEQ');
      nodes.values.push(isLeaf ? 0 : (tree.threshold[n] as number));
      nodes.trueIds.push(isLeaf ? 0 : left);
      nodes.falseIds.push(isLeaf ? 0 : (tree.right[n] as number));
      nodes.missingTrue.push(!isLeaf && tree.missingLeft[n] ? 1 : 0);
      if (isLeaf) {
        leaves.treeIds.push(t);
        leaves.nodeIds.push(n);
        leaves.weights.push(tree.value[n] as number);
      }
    });
  });
  return {
    nodes_treeids: { ints: nodes.treeIds },
    nodes_nodeids: { ints: nodes.nodeIds },
    nodes_featureids: { ints: nodes.featureIds },
    nodes_modes: nodes.modes,
    nodes_values_as_tensor: { doubles: nodes.values },
    nodes_truenodeids: { ints: nodes.trueIds },
    nodes_falsenodeids: { ints: nodes.falseIds },
    nodes_missing_value_tracks_true: { ints: nodes.missingTrue },
    class_treeids: { ints: leaves.treeIds },
    class_nodeids: { ints: leaves.nodeIds },
    class_ids: { ints: leaves.treeIds.map(() => 0) },
    class_weights_as_tensor: { doubles: leaves.weights },
    classlabels_int64s: { ints: [0, 1] },
    base_values_as_tensor: { doubles: [model.baseScore] },
    post_transform: 'LOGISTIC',
  };
}

function validateTrees(model: GbdtModel, width: number): void {
  if (!Number.isFinite(model.baseScore)) throw new InvalidInputError('The gbdt base score is not finite');
  model.trees.forEach((tree, t) => {
    const size = tree.left.length;
    const parallel = [tree.feature, tree.threshold, tree.missingLeft, tree.right, tree.value];
    if (size === 0 || parallel.some((array) => array.length !== size)) {
      throw new InvalidInputError(`Tree ${t} has node arrays of different lengths`);
    }
    tree.left.forEach((left, n) => {
      if (left < 0) {
        if (!Number.isFinite(tree.value[n])) throw new InvalidInputError(`Tree ${t} leaf ${n} is not finite`);
        return;
      }
      const right = tree.right[n] as number;
      const feature = tree.feature[n] as number;
      if (!(left > n && left < size && right > n && right < size)) {
        throw new InvalidInputError(`Tree ${t} node ${n} has children out of order`);
      }
      if (!(Number.isInteger(feature) && feature >= 0 && feature < width) || !Number.isFinite(tree.threshold[n])) {
        throw new InvalidInputError(`Tree ${t} node ${n} splits on column ${feature} of ${width}`);
      }
    });
  });
}
