// Benchmark: the train step of both algorithms beside scikit-learn, on the Telco file and on 1,000,000
// generated Telco-shaped rows, on the same train / validation / test rows.
//
// Each run is a process of its own, so its peak resident memory (ru_maxrss: main thread plus training
// thread) is its own: mlcycle runs the train step as the worker does (activities/train-in-thread.ts: read
// the CSV, split, fit, score, drift baseline, run files); scikit-learn runs bench/anchors/sklearn_train.py
// (read, the same preprocessing, LogisticRegression's l2 search and refit, or HistGradientBoosting with the
// same settings and early stopping on the same validation rows). Reported: wall seconds, peak RSS, test
// ROC AUC, and the ratios the goals are stated in.
// Usage: npm run bench:train [-- --rows 1000000] [-- --only telco|generated]
// Needs MLCYCLE_BENCH_PYTHON (a Python with pandas and scikit-learn, bench/anchors/requirements.txt).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runTrainJobInThread } from '../activities/train-in-thread';
import { validatedData } from '../activities/validated-data';
import type { ValidatedData } from '../contracts/lifecycle-activities';
import { readCsvTable } from '../data/csv-reader';
import { writeTelcoSample } from '../data/sample-generator';
import { sha256File } from '../data/sha256';
import { validateTable } from '../data/validate';
import { DEFAULT_GBDT_PARAMS } from '../models/gbdt/types';
import { stratifiedSplit } from '../models/split';
import { DEFAULT_FRACTIONS, labelsOf } from '../models/training';

const run = promisify(execFile);
const SEED = 42;
const TELCO_CSV = resolve(__dirname, '..', '..', 'shared', 'data', 'telco-customer-churn.csv');
const ANCHOR = join(__dirname, 'anchors', 'sklearn_train.py');

const arg = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

interface Measured {
  seconds: number;
  peakRssMb: number;
  testRocAuc: number;
  [detail: string]: unknown;
}

/** Child mode: one mlcycle train step; prints its measurements as JSON. */
async function child(job: { data: ValidatedData; algorithm: 'logistic' | 'gbdt'; outDir: string }): Promise<void> {
  const started = performance.now();
  const trained = await runTrainJobInThread({ modelName: 'bench', seed: SEED, ...job });
  const result: Measured = {
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    testRocAuc: Number(trained.metrics.rocAuc.toFixed(4)),
    ...(job.algorithm === 'gbdt' ? { trees: trained.params.trees } : { l2: trained.params.l2 }),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function mlcycle(data: ValidatedData, algorithm: 'logistic' | 'gbdt', outDir: string): Promise<Measured> {
  const job = JSON.stringify({ data, algorithm, outDir });
  const { stdout } = await run(process.execPath, [...process.execArgv, __filename, '--child', job], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Measured;
}

async function sklearn(
  dataPath: string,
  splitPath: string,
  model: 'logistic' | 'hgb',
  threads?: number,
): Promise<Measured> {
  const python = process.env.MLCYCLE_BENCH_PYTHON;
  if (!python) throw new Error('Set MLCYCLE_BENCH_PYTHON to a Python with pandas and scikit-learn');
  const args = [ANCHOR, '--data', dataPath, '--split', splitPath, '--model', model];
  if (model === 'hgb') args.push('--params', JSON.stringify(DEFAULT_GBDT_PARAMS));
  const one = threads ? String(threads) : undefined;
  const env = one ? { ...process.env, OMP_NUM_THREADS: one, OPENBLAS_NUM_THREADS: one } : process.env;
  const { stdout } = await run(python, args, { maxBuffer: 1 << 20, env });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Measured;
}

/** The validate step's answer and the split file (one byte per row: 0 train, 1 validation, 2 test). */
async function prepare(dataPath: string, schemaPath: string, splitPath: string): Promise<ValidatedData> {
  const { table } = await readCsvTable(dataPath);
  const { table: sample } = await readCsvTable(schemaPath);
  const report = validateTable(sample, { target: 'Churn' });
  if (!report.ok) throw new Error(`${schemaPath} does not validate: ${JSON.stringify(report.problems)}`);
  const data = {
    ...validatedData(report, { dataPath, dataSha256: await sha256File(dataPath), profilePath: '' }),
    rows: table.rowCount,
  };
  const split = stratifiedSplit(labelsOf(table, data.target, data.positiveLabel), DEFAULT_FRACTIONS, SEED);
  const parts = new Uint8Array(table.rowCount);
  split.validation.forEach((row) => (parts[row] = 1));
  split.test.forEach((row) => (parts[row] = 2));
  writeFileSync(splitPath, parts);
  return data;
}

async function benchDataset(name: string, dataPath: string, schemaPath: string, dir: string) {
  const splitPath = join(dir, `${name}.split`);
  const data = await prepare(dataPath, schemaPath, splitPath);
  const outDir = join(dir, name);
  mkdirSync(outDir, { recursive: true });
  const entry = {
    rows: data.rows,
    logistic: await mlcycle(data, 'logistic', outDir),
    gbdt: await mlcycle(data, 'gbdt', outDir),
    // mlcycle trains on one thread; on a busy machine OpenMP's and BLAS's threads can cost scikit-learn
    // more than they give, so the ratios use the faster of its default and one-thread runs.
    sklearnLogistic: await sklearn(dataPath, splitPath, 'logistic'),
    sklearnLogisticOneThread: await sklearn(dataPath, splitPath, 'logistic', 1),
    sklearnHgb: await sklearn(dataPath, splitPath, 'hgb'),
    sklearnHgbOneThread: await sklearn(dataPath, splitPath, 'hgb', 1),
  };
  const hgbSeconds = Math.min(entry.sklearnHgb.seconds, entry.sklearnHgbOneThread.seconds);
  const logisticSeconds = Math.min(entry.sklearnLogistic.seconds, entry.sklearnLogisticOneThread.seconds);
  const ratios = {
    logisticTimeVsSklearn: Number((entry.logistic.seconds / logisticSeconds).toFixed(2)),
    gbdtTimeVsHgb: Number((entry.gbdt.seconds / hgbSeconds).toFixed(2)),
    gbdtRocAucMinusHgb: Number((entry.gbdt.testRocAuc - entry.sklearnHgb.testRocAuc).toFixed(4)),
  };
  console.log(name, JSON.stringify({ ...entry, ratios }, null, 2));
  return { ...entry, ratios };
}

async function main(): Promise<void> {
  const childJob = arg('child');
  if (childJob) return child(JSON.parse(childJob) as Parameters<typeof child>[0]);
  const rows = Number(arg('rows') ?? 1_000_000);
  const only = arg('only');
  const dir = mkdtempSync(join(tmpdir(), 'mlcycle-bench-train-'));
  try {
    const results: Record<string, unknown> = {
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(1))),
      gbdtParams: DEFAULT_GBDT_PARAMS,
      seconds: 'wall time of the whole step in its own process: read the CSV, preprocess, fit, score',
    };
    if (only !== 'generated') results.telco = await benchDataset('telco', TELCO_CSV, TELCO_CSV, dir);
    if (only !== 'telco') {
      const dataPath = join(dir, 'generated.csv');
      const schemaPath = join(dir, 'schema-sample.csv');
      await writeTelcoSample(dataPath, { rows, seed: 7 });
      await writeTelcoSample(schemaPath, { rows: 10_000, seed: 7 });
      results.generated = await benchDataset('generated', dataPath, schemaPath, dir);
    }
    results.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(1)));
    const out = join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    const file = only || rows !== 1_000_000 ? `train-${only ?? rows}.json` : 'train.json';
    writeFileSync(join(out, file), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
