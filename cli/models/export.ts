import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TrainedModelFile } from '../../activities/model-files';
import { readArtifact, sha256Hex } from '../../core/integrity';
import { exportLogisticToPmml } from '../../models/pmml';
import type { ModelVersionRecord } from '../../registry/types';
import { printLines } from './output';
import { parseVersion, recordOf, withRegistry } from './registry-access';

export const EXPORT_FORMATS = ['onnx', 'pmml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  model: string;
  version: string;
  format: string;
  out: string;
}

/**
 * `mlcycle models export`: a version's model as a file another runtime loads. ONNX is the registered
 * file itself; PMML is written from the registered model file (logistic models only). Either source is
 * checked against its sha256 first, so a damaged registry file is never handed on.
 */
export async function runModelsExport(options: ExportOptions): Promise<void> {
  const format = exportFormat(options.format);
  const record = await withRegistry((registry) => recordOf(registry, options.model, parseVersion(options.version)));
  const bytes = format === 'onnx' ? await onnxBytes(record) : await pmmlBytes(record);
  const out = resolve(options.out);
  const temporary = `${out}.${randomUUID()}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, out);
  printLines([
    `${record.modelName} v${record.version} as ${format.toUpperCase()}: ${out} (sha256 ${sha256Hex(bytes)})`,
  ]);
}

function exportFormat(text: string): ExportFormat {
  const format = text.toLowerCase();
  if ((EXPORT_FORMATS as readonly string[]).includes(format)) return format as ExportFormat;
  throw new Error(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${text}"`);
}

async function onnxBytes(record: ModelVersionRecord): Promise<Buffer> {
  return readArtifact(
    record.artifactPath,
    record.artifactSha256,
    `the ONNX model of ${record.modelName} v${record.version}`,
  );
}

async function pmmlBytes(record: ModelVersionRecord): Promise<Buffer> {
  const name = `${record.modelName} v${record.version}`;
  if (record.modelPath === null || record.modelSha256 === null) {
    throw new Error(
      `${name} was registered before model files were kept, and PMML is written from that file: export it as ONNX (--format onnx), or retrain to get a version with one`,
    );
  }
  const file = JSON.parse(
    (await readArtifact(record.modelPath, record.modelSha256, `the model file of ${name}`)).toString('utf8'),
  ) as TrainedModelFile;
  const algorithm: string = file.algorithm;
  if (algorithm !== 'logistic') {
    throw new Error(
      `${name} is a ${algorithm} model; PMML export covers logistic models only: export it as ONNX (--format onnx), which every version has`,
    );
  }
  const pmml = exportLogisticToPmml(file, {
    modelName: record.modelName,
    version: record.version,
    target: record.target,
    positiveLabel: record.positiveLabel,
    producerVersion: record.packageVersion,
  });
  return Buffer.from(pmml, 'utf8');
}
