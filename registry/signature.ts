import type { ColumnKind } from '../contracts/data';
import { OUTPUT_NAME } from '../models/onnx-export';
import type { ModelVersionRecord } from './types';

export interface SignatureInput {
  name: string;
  kind: ColumnKind;
  /** The ONNX input's element type: numerics are fed as float32 (NaN = missing), categories as strings. */
  type: 'float32' | 'string';
  /** The levels seen in training (categorical only); any other value scores as an unseen level. */
  levels?: string[];
}

/** What a version takes and gives: its inputs in feed order, its target and its outputs. */
export interface ModelSignature {
  inputs: SignatureInput[];
  target: string;
  positiveLabel: string;
  outputs: { name: string; type: 'float32'; shape: [number, 1]; meaning: string }[];
}

/**
 * Computed from the stored spec rather than kept in a column of its own: `spec_json` is written once
 * with the version and never changed, it is what the ONNX graph was built from, and every version
 * since the first has it, so old and new versions get their signature the same way and there is no
 * second copy that could disagree with the model.
 */
export function signatureOf(record: Pick<ModelVersionRecord, 'spec' | 'target' | 'positiveLabel'>): ModelSignature {
  const levels = new Map(record.spec.categorical.map((feature) => [feature.name, feature.levels]));
  return {
    inputs: record.spec.inputs.map(({ name, kind }) => {
      if (kind === 'numeric') return { name, kind, type: 'float32' };
      return { name, kind, type: 'string', levels: levels.get(name) ?? [] };
    }),
    target: record.target,
    positiveLabel: record.positiveLabel,
    outputs: [
      {
        name: OUTPUT_NAME,
        type: 'float32',
        shape: [-1, 1],
        meaning: `probability that ${record.target} is ${JSON.stringify(record.positiveLabel)}`,
      },
    ],
  };
}
