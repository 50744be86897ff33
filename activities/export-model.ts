import { log } from '@temporalio/activity';
import { join } from 'node:path';
import { checkOnnxMatches } from '../models/onnx-check';
import { exportLogisticToOnnx } from '../models/onnx-export';
import { OnnxScorer } from '../models/onnx-scorer';
import { exportLogisticToPmml } from '../models/pmml';
import { exportGbdtToOnnx } from '../models/gbdt/onnx-export';
import { modelOf, type ExpectedOutputsFile, type TrainedModelFile } from './model-files';
import { currentRunDir, readVerifiedJson, writeBytesFile } from './run-files';
import type { ExportedModel, ExportModelInput } from '../contracts/lifecycle-activities';

const TOLERANCE = 1e-5;

export function createExportModel(home: string, packageVersion: string) {
  return async function exportModel(input: ExportModelInput): Promise<ExportedModel> {
    const { trained } = input;
    const model = await readVerifiedJson<TrainedModelFile>(trained.trainedPath, trained.trainedSha256);
    const expected = await readVerifiedJson<ExpectedOutputsFile>(trained.expectedPath, trained.expectedSha256);
    const bytes = exportOnnx(model, input.modelName, packageVersion);
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
      const runDir = await currentRunDir(home);
      const onnxPath = join(runDir, 'model.onnx');
      const onnxSha256 = await writeBytesFile(onnxPath, bytes);
      log.info('ONNX model checked', { rows: check.rows, maxAbsDiff: check.maxAbsDiff });
      return {
        onnxPath,
        onnxSha256,
        ...(await writePmml(model, input.modelName, runDir, packageVersion)),
        checkedRows: check.rows,
        maxAbsDiff: check.maxAbsDiff,
      };
    } finally {
      await scorer.release();
    }
  };
}

/**
 * model.pmml beside model.onnx for a logistic model (calibration included) whose file names its target;
 * other algorithms get none, and `models export` says why when asked for one.
 */
async function writePmml(
  model: TrainedModelFile,
  modelName: string,
  runDir: string,
  producerVersion: string,
): Promise<{ pmmlPath?: string; pmmlSha256?: string }> {
  const algorithm: string = model.algorithm;
  if (algorithm !== 'logistic' || !model.target) return {};
  const { name, positiveLabel, negativeLabel } = model.target;
  const text = exportLogisticToPmml(model, { modelName, target: name, positiveLabel, negativeLabel, producerVersion });
  const pmmlPath = join(runDir, 'model.pmml');
  const pmmlSha256 = await writeBytesFile(pmmlPath, new TextEncoder().encode(text));
  log.info('PMML model written', { pmmlPath });
  return { pmmlPath, pmmlSha256 };
}

/** The ONNX bytes of either algorithm: the same preprocessing graph, then the model's own part. */
function exportOnnx(file: TrainedModelFile, modelName: string, producerVersion: string): Uint8Array {
  const chosen = modelOf(file);
  const columns = `${file.spec.inputs.length} raw columns`;
  return chosen.algorithm === 'logistic'
    ? exportLogisticToOnnx(
        file.spec,
        chosen.model,
        {
          modelName,
          producerVersion,
          description: `logistic regression on ${columns}${file.calibration ? `, ${file.calibration.method} calibration` : ''}`,
        },
        file.calibration,
      )
    : exportGbdtToOnnx(file.spec, chosen.model, {
        modelName,
        producerVersion,
        description: `gradient-boosted trees (${chosen.model.trees.length}) on ${columns}`,
      });
}
