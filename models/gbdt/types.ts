// Shapes of the gradient-boosted trees. A model is plain JSON (it lives in trained.json); the binned
// training data is typed arrays and never leaves the training thread.

/**
 * One regression tree over the design matrix (features.ts order), as parallel arrays indexed by node;
 * node 0 is the root. A leaf has `left === -1`; its `value` is already multiplied by the learning rate.
 * An inner node sends a row left when `x[feature] <= threshold`, and a missing (NaN) value left when
 * `missingLeft`. One-hot columns split at 0.5 (the level goes right).
 */
export interface GbdtTree {
  feature: number[];
  threshold: number[];
  missingLeft: boolean[];
  left: number[];
  right: number[];
  value: number[];
}

/** Binary log-loss boosting: probability = sigmoid(baseScore + Σ tree leaf values). */
export interface GbdtModel {
  baseScore: number;
  trees: GbdtTree[];
}

export interface GbdtParams {
  learningRate: number;
  /** Most leaves per tree (trees grow best-first, like LightGBM and scikit-learn's HistGradientBoosting). */
  maxLeaves: number;
  /** Deepest a leaf may be (root = depth 0); 0 means no limit beyond maxLeaves. */
  maxDepth: number;
  minSamplesLeaf: number;
  /** L2 penalty on leaf values (λ in −G/(H+λ)). */
  l2: number;
  maxIterations: number;
  /** Stop when validation log loss has not improved for this many rounds; the best round is kept. */
  earlyStoppingRounds: number;
  /** Most value bins per numeric column (a missing value has a bin of its own besides). */
  maxBins: number;
}

/**
 * scikit-learn's HistGradientBoosting defaults except smaller trees with a little L2 (15 leaves, λ = 1):
 * churn-like tabular data is close to additive, and on Telco these reach a better validation log loss.
 */
export const DEFAULT_GBDT_PARAMS: GbdtParams = {
  learningRate: 0.1,
  maxLeaves: 15,
  maxDepth: 0,
  minSamplesLeaf: 20,
  l2: 1,
  maxIterations: 200,
  earlyStoppingRounds: 10,
  maxBins: 255,
};
