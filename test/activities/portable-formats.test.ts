import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createExportModel } from '../../activities/export-model';
import { modelOf, type ExpectedOutputsFile, type TrainedModelFile } from '../../activities/model-files';
import type { LogisticModel } from '../../models/types';
import { createTrainModel } from '../../activities/train-model';
import { validatedData } from '../../activities/validated-data';
import type {
  ExportedModel,
  ExportModelInput,
  TrainedModel,
  TrainModelInput,
  ValidatedData,
} from '../../contracts/lifecycle-activities';
import { readCsvTable } from '../../data/csv-reader';
import { sha256File } from '../../data/sha256';
import { validateTable } from '../../data/validate';
import { applyCalibration } from '../../models/calibration';
import { encodeRecords } from '../../models/features';
import { predictProba } from '../../models/logistic';
import { OnnxScorer } from '../../models/onnx-scorer';
import type { RawRecord } from '../../models/types';
import { writeYesNoDataset } from '../helpers/datasets';
import { TELCO_CSV, tempHome } from '../helpers/paths';
import { runPythonJson } from '../helpers/python';

// Our exported files read by evaluators we did not write: PMML by pypmml (Java PMML4S underneath),
// ONNX by Python onnxruntime. Each must give Node's probabilities within 1e-6 on the held-back test
// rows and on rows with unseen categories, blanks, nulls and non-numeric text in numeric columns.

const TOLERANCE = 1e-6;
const home = tempHome('portable-formats');
after(() => rmSync(home, { recursive: true, force: true }));

interface PythonScores {
  probabilities: number[];
  evaluator: string;
}

async function validated(path: string, target: string, idColumn?: string): Promise<ValidatedData> {
  const { table } = await readCsvTable(path);
  const report = validateTable(table, { target, ...(idColumn ? { idColumn } : {}) });
  assert.equal(report.ok, true, JSON.stringify(report.problems));
  return validatedData(report, { dataPath: path, dataSha256: await sha256File(path), profilePath: '' });
}

async function trainAndExport(
  input: TrainModelInput,
): Promise<{ trained: TrainedModel; exported: ExportedModel; file: TrainedModelFile; expected: ExpectedOutputsFile }> {
  // A run folder of its own per model: the cases train at the same time.
  const execution = { workflowId: `portable-${input.modelName}`, runId: 'run-1' };
  const env = new MockActivityEnvironment({ workflowExecution: execution }, { logger: new DefaultLogger('WARN') });
  const trained: TrainedModel = await env.run(createTrainModel(home), input);
  const exportInput: ExportModelInput = { modelName: input.modelName, trained };
  const exported: ExportedModel = await env.run(createExportModel(home, '0.0.0-test'), exportInput);
  const file = JSON.parse(readFileSync(trained.trainedPath, 'utf8')) as TrainedModelFile;
  const expected = JSON.parse(readFileSync(trained.expectedPath, 'utf8')) as ExpectedOutputsFile;
  return { trained, exported, file, expected };
}

/**
 * The test rows, then copies of the first ones made awkward column by column: an unseen category, a
 * blank one, a null one, and for numerics a null, a blank string, text that is no number and a number
 * written as text.
 */
function awkwardRecords(file: TrainedModelFile, records: RawRecord[]): RawRecord[] {
  const awkward: RawRecord[] = [];
  const base = records.slice(0, 5);
  for (const { name } of file.spec.categorical) {
    for (const value of ['never seen in training', '', null]) {
      for (const record of base) awkward.push({ ...record, [name]: value });
    }
  }
  for (const { name } of file.spec.numeric) {
    for (const value of [null, '', 'n/a', '12.5']) {
      for (const record of base.slice(0, 2)) awkward.push({ ...record, [name]: value });
    }
  }
  // Every column at once: all numerics missing, all categories unseen.
  awkward.push(
    Object.fromEntries(
      file.spec.inputs.map(({ name, kind }) => [name, kind === 'numeric' ? null : 'unseen everywhere']),
    ),
  );
  return [...records, ...awkward];
}

/** The trained model's own probabilities in double, as training computed them. */
function nodeProbabilities(file: TrainedModelFile, records: RawRecord[]): number[] {
  return applyCalibration(file.calibration, predictProba(logisticModelOf(file), encodeRecords(file.spec, records)));
}

function assertClose(actual: number[], expected: ArrayLike<number>, what: string): number {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} probabilities for ${expected.length} rows`);
  let worst = 0;
  let worstRow = 0;
  actual.forEach((value, row) => {
    const diff = Math.abs(value - (expected[row] as number));
    if (!(diff <= worst)) {
      worst = Number.isNaN(diff) ? Infinity : diff;
      worstRow = row;
    }
  });
  assert.ok(
    worst <= TOLERANCE,
    `${what}: row ${worstRow} gives ${actual[worstRow]}, Node ${expected[worstRow]} (|diff| ${worst})`,
  );
  return worst;
}

async function nodeOnnx(path: string, file: TrainedModelFile, records: RawRecord[]): Promise<Float32Array> {
  const scorer = await OnnxScorer.fromFile(path);
  try {
    return await scorer.score(file.spec.inputs, records);
  } finally {
    await scorer.release();
  }
}

function pythonOnnx(path: string, file: TrainedModelFile, records: RawRecord[]): PythonScores {
  return runPythonJson<PythonScores>('onnx_check.py', {
    onnxPath: path,
    inputs: file.spec.inputs,
    records,
    output: 'probability',
  });
}

// One case a data set and its training options; every case's ONNX file goes through Python
// onnxruntime whatever its algorithm, and `pmml: true` cases (uncalibrated logistic) through pypmml.
const cases = [
  {
    name: 'Telco churn',
    input: async (): Promise<TrainModelInput> => ({
      modelName: 'churn',
      data: await validated(TELCO_CSV, 'Churn', 'customerID'),
      seed: 42,
    }),
    pmml: true,
  },
  {
    name: 'a generated yes/no data set with an id column, balanced class weights and a recall target',
    input: async (): Promise<TrainModelInput> => {
      const path = join(home, 'subscribed.csv');
      writeYesNoDataset(path, { rows: 3000, seed: 5 });
      return {
        modelName: 'subscribed',
        data: await validated(path, 'subscribed', 'client_id'),
        seed: 7,
        classWeights: 'balanced',
        thresholdObjective: { metric: 'recall', target: 0.7 },
      };
    },
    pmml: true,
  },
];

for (const { name, input, pmml: hasPmml } of cases) {
  describe(`portable formats of a model trained on ${name}`, () => {
    const run = input().then(trainAndExport);

    if (!hasPmml) {
      it('writes no PMML file (PMML covers logistic models)', async () => {
        assert.equal((await run).exported.pmmlPath, undefined);
      });
    } else {
      it('writes a PMML file that pypmml scores like Node, within 1e-6, on test rows and awkward rows', async (t) => {
        const { exported, file, expected } = await run;
        assert.ok(exported.pmmlPath && exported.pmmlSha256, 'the export step wrote no PMML file');
        assert.equal(await sha256File(exported.pmmlPath), exported.pmmlSha256);
        const records = awkwardRecords(file, expected.records);
        const pmml = runPythonJson<PythonScores>('pmml_check.py', { pmmlPath: exported.pmmlPath, records });
        const worst = assertClose(pmml.probabilities, nodeProbabilities(file, records), pmml.evaluator);
        // The held-back probabilities the export check uses are the same numbers.
        assertClose(pmml.probabilities.slice(0, expected.records.length), expected.probabilities, 'expected.json');
        t.diagnostic(`${pmml.evaluator}: ${records.length} rows, max |diff| ${worst.toExponential(2)}`);
      });
    }

    it('writes an ONNX file that Python onnxruntime scores like Node, within 1e-6, on test rows and awkward rows', async (t) => {
      const { exported, file, expected } = await run;
      const records = awkwardRecords(file, expected.records);
      const python = pythonOnnx(exported.onnxPath, file, records);
      const node = await nodeOnnx(exported.onnxPath, file, records);
      const worstOrt = assertClose(python.probabilities, node, `${python.evaluator} against Node's onnxruntime`);
      // The trainer's own probabilities of the test rows (expected.json), whatever the algorithm…
      const worstModel = assertClose(
        python.probabilities.slice(0, expected.records.length),
        expected.probabilities,
        `${python.evaluator} against the trained model`,
      );
      // …and, for logistic regression, recomputed in double on every row.
      if (file.algorithm === 'logistic') {
        assertClose(python.probabilities, nodeProbabilities(file, records), `${python.evaluator} against the model`);
      }
      t.diagnostic(
        `${python.evaluator}: ${records.length} rows, max |diff| ${worstOrt.toExponential(2)} to Node ORT, ` +
          `${worstModel.toExponential(2)} to the model in double`,
      );
    });
  });
}

describe('portable formats of calibrated versions', () => {
  for (const method of ['platt', 'isotonic'] as const) {
    it(`with ${method} calibration, a Telco model serves calibrated probabilities from its ONNX file in Python onnxruntime and its PMML file in pypmml`, async (t) => {
      const { exported, file, expected } = await trainAndExport({
        modelName: `churn-${method}`,
        data: await validated(TELCO_CSV, 'Churn', 'customerID'),
        seed: 42,
        calibration: method,
      });
      assert.equal(file.calibration?.method, method);
      assert.ok(exported.pmmlPath, 'the export step wrote no PMML file');
      const records = awkwardRecords(file, expected.records);
      const calibrated = nodeProbabilities(file, records);
      const python = pythonOnnx(exported.onnxPath, file, records);
      const worstOnnx = assertClose(python.probabilities, calibrated, `${python.evaluator}, ${method}`);
      const pmml = runPythonJson<PythonScores>('pmml_check.py', { pmmlPath: exported.pmmlPath, records });
      const worstPmml = assertClose(pmml.probabilities, calibrated, `${pmml.evaluator}, ${method}`);
      t.diagnostic(`${method}: max |diff| ONNX ${worstOnnx.toExponential(2)}, PMML ${worstPmml.toExponential(2)}`);
      // …and they are not the uncalibrated ones: the calibration is in both files.
      const raw = predictProba(logisticModelOf(file), encodeRecords(file.spec, records));
      for (const [what, scores] of [
        ['ONNX', python.probabilities],
        ['PMML', pmml.probabilities],
      ] as const) {
        assert.ok(
          scores.some((p, row) => Math.abs(p - (raw[row] as number)) > 1e-3),
          `the ${what} file gives the uncalibrated probabilities`,
        );
      }
    });
  }
});

/** The coefficients of a logistic model file (these checks train logistic models only). */
function logisticModelOf(file: TrainedModelFile): LogisticModel {
  const chosen = modelOf(file);
  if (chosen.algorithm !== 'logistic') throw new Error(`expected a logistic model, got ${chosen.algorithm}`);
  return chosen.model;
}
