import type { ModelVersionRecord } from '../../registry/types';
import type { MetadataTensor, ModelMetadata } from '../../contracts/open-inference';

/**
 * What Triton reports as the platform of an ONNX model run by onnxruntime; the graph takes the raw
 * columns and does its own preprocessing, so clients send the CSV's values as they are.
 */
export const PLATFORM = 'onnxruntime_onnx';

/** Output tensors, one value per row: the probability as the model computes it (float32), label, prediction id. */
export const OUTPUTS: MetadataTensor[] = [
  { name: 'probability', datatype: 'FP32', shape: [-1] },
  { name: 'label', datatype: 'INT64', shape: [-1] },
  { name: 'id', datatype: 'BYTES', shape: [-1] },
];

/** A version's V2 model metadata: one input per raw feature column, BYTES for categories, FP64 for numbers. */
export function modelMetadata(record: ModelVersionRecord, versions: readonly number[]): ModelMetadata {
  return {
    name: record.modelName,
    versions: versions.map(String),
    platform: PLATFORM,
    inputs: record.spec.inputs.map((column) => ({
      name: column.name,
      datatype: column.kind === 'categorical' ? 'BYTES' : 'FP64',
      shape: [-1],
    })),
    outputs: OUTPUTS,
  };
}
