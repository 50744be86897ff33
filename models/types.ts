// Shared shapes of the modelling code. Everything here is plain JSON-serialisable data (no class
// instances) except the numeric matrices, so specs can be stored in the registry and passed between
// activities as files.

import type { ColumnKind, InputColumn } from '../contracts/data';

export type { ColumnKind, InputColumn };

/** Preprocessing of one numeric column: impute missing with `impute`, then (x - mean) / std. */
export interface NumericFeature {
  name: string;
  impute: number;
  mean: number;
  /** Never 0: a constant column gets std 1 so the transform stays finite. */
  std: number;
}

/** One-hot encoding of one categorical column; a missing value is the level `""`. */
export interface CategoricalFeature {
  name: string;
  levels: string[];
}

/**
 * Everything needed to turn raw records into the model's design matrix. The design matrix column
 * order is: every numeric feature (in `numeric` order), then every categorical level (in
 * `categorical` order, levels in `levels` order). The ONNX export follows the same order.
 */
export interface FeatureSpec {
  inputs: InputColumn[];
  numeric: NumericFeature[];
  categorical: CategoricalFeature[];
}

/**
 * A dense row-major matrix. Design matrices to fit on are float32 (half the memory: one-hot 0/1 and
 * standardised values need no more); arithmetic on them is always in double.
 */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array | Float32Array;
}

/** A fitted binary logistic regression on the design matrix. */
export interface LogisticModel {
  weights: number[];
  intercept: number;
}

/**
 * A table of raw values as read from CSV, column-major, one string per cell ('' when blank).
 * `columns` has no prototype (see csv-reader.ts), so any column name is a plain key.
 */
export interface RawTable {
  header: string[];
  rowCount: number;
  columns: Record<string, string[]>;
}

/** A raw record as a client sends it: CSV column name to value (string for categories, number for numerics). */
export type RawRecord = Record<string, unknown>;
