import { log } from '@temporalio/activity';
import { join } from 'node:path';
import { checkOnnxMatches } from '../models/onnx-check';
import { exportLogisticToOnnx } from '../models/onnx-export';
import { OnnxScorer } from '../models/onnx-scorer';
import type { ExpectedOutputsFile, TrainedModelFile } from './model-files';
import { currentRunDir, readVerifiedJson, writeBytesFile } from './run-files';
import type { ExportedModel, ExportModelInput } from '../contracts/lifecycle-activities';

const TOLERANCE = 1e-5;

export function createExportModel(home: string, packageVersion: string) {
  return async function exportModel(input: ExportModelInput): Promise<ExportedModel> {
    const { trained } = input;
    const model = await readVerifiedJson<TrainedModelFile>(trained.trainedPath, trained.trainedSha256);
    const expected = await readVerifiedJson<ExpectedOutputsFile>(trained.expectedPath, trained.expectedSha256);
    const bytes = exportLogisticToOnnx(model.spec, model.model, {
      modelName: input.modelName,
      producerVersion: packageVersion,
      description: `logistic regression on ${model.spec.inputs.length} raw columns`,
    });
    // Checked before anything is written: a model that disagrees with training never reaches the registry.
    const scorer = await OnnxScorer.fromBytes(bytes);
    try {
      const check = await checkOnnxMatches(
        scorer,
        model.spec.inputs,
        expected.records,
        expected.probabilities,
        TOLERANCE,
      );
      const onnxPath = join(await currentRunDir(home), 'model.onnx');
      const onnxSha256 = await writeBytesFile(onnxPath, bytes);
      log.info('ONNX model checked', { rows: check.rows, maxAbsDiff: check.maxAbsDiff });
      return { onnxPath, onnxSha256, checkedRows: check.rows, maxAbsDiff: check.maxAbsDiff };
    } finally {
      await scorer.release();
    }
  };
}
