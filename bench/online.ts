// Benchmark: online training (models/online) on a Telco-shaped stream with a concept change half-way,
// beside River's LogisticRegression (StandardScaler + OneHotEncoder; bench/anchors/river_online.py)
// on the very same stream file, in the same run. Reported for each: updates per second of the
// predict-then-learn loop in process, and progressive log loss and ROC AUC over the whole stream,
// before the change, after it and over its last tenth (recovered?). The serving version (the batch
// fit that never learns) and a batch model fitted on fresh records of the new concept are shown as
// references on the same records.
// Start: both learners warm-start from the same batch fit on the stream's first records (mlcycle's
// learner from its coefficients, River's scaler and weights from the same numbers), as online
// training does from the serving version; `--start cold` starts both from zero weights instead
// (mlcycle's encoding still uses the initial slice's spec: it has no running scaler).
// Goals (issue 10): progressive log loss no worse than River's, at least 10× its updates per second.
// Usage: npm run bench:online [-- --rows 100000 --initial 5000 --batch-size 16 --start warm|cold --seed 2026 --e2e]
// Python: MLCYCLE_BENCH_PYTHON (default python3) with river installed (bench/anchors/requirements.txt).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTelcoSample } from '../data/sample-generator';
import { designColumnNames, encodeRecords } from '../models/features';
import { predictProba } from '../models/logistic';
import { logLoss, rocAuc } from '../models/metrics';
import { DEFAULT_BATCH_SIZE, DEFAULT_ONLINE_OPTIONS, ProgressiveTrainer } from '../models/online';
import type { FeatureSpec, LogisticModel } from '../models/types';
import { batchFit, range, readLabelledCsv, telcoStream } from '../test/helpers/labelled-stream';

const argValue = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const STREAM_ROWS = Number(argValue('rows') ?? 100_000);
const INITIAL_ROWS = Number(argValue('initial') ?? 5_000);
const BATCH_SIZE = Number(argValue('batch-size') ?? DEFAULT_BATCH_SIZE);
const START = argValue('start') === 'cold' ? 'cold' : 'warm';
const END_TO_END = process.argv.includes('--e2e');
const SEED = Number(argValue('seed') ?? 2026);
/** Records handed to the learner per call, as an activity would take them from its source. */
const CHUNK = 1_000;
const PYTHON = process.env.MLCYCLE_BENCH_PYTHON || 'python3';
const RESULTS = join(__dirname, 'results');

interface Section {
  name: string;
  start: number;
  end: number;
}

interface Scores {
  [section: string]: { logLoss: number; rocAuc: number };
}

function scoreSections(labels: number[], p: ArrayLike<number>, sections: Section[]): Scores {
  return Object.fromEntries(
    sections.map(({ name, start, end }) => {
      const y = labels.slice(start, end);
      const q = Array.prototype.slice.call(p, start, end) as number[];
      return [name, { logLoss: round(logLoss(y, q)), rocAuc: round(rocAuc(y, q)) }];
    }),
  );
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/** mlcycle's learner over the stream, CHUNK records a call; returns its progressive probabilities. */
function runOurs(
  spec: FeatureSpec,
  start: LogisticModel,
  records: Record<string, unknown>[],
  labels: number[],
  serving: Float64Array,
): { probabilities: Float64Array; seconds: number; clippedShare: number } {
  const trainer = ProgressiveTrainer.warmStart(spec, start, { batchSize: BATCH_SIZE });
  const probabilities = new Float64Array(records.length);
  let clipped = 0;
  let updates = 0;
  const started = performance.now();
  for (let at = 0; at < records.length; at += CHUNK) {
    const end = Math.min(at + CHUNK, records.length);
    const report = trainer.process(records.slice(at, end), labels.slice(at, end), serving.subarray(at, end));
    probabilities.set(report.onlineProbabilities, at);
    clipped += report.clippedUpdates;
    updates += report.updates;
  }
  return { probabilities, seconds: (performance.now() - started) / 1000, clippedShare: clipped / updates };
}

function runRiver(
  dir: string,
  streamPath: string,
  spec: FeatureSpec,
  start: LogisticModel,
): { probabilities: Float64Array; seconds: number; versions: Record<string, string> } {
  const startPath = join(dir, 'start.json');
  const names = designColumnNames(spec).map((name) => name.replace('=', '_'));
  writeFileSync(
    startPath,
    JSON.stringify({
      mode: START,
      initialRows: INITIAL_ROWS,
      spec,
      weights: Object.fromEntries(names.map((name, j) => [name, start.weights[j]])),
      intercept: start.intercept,
    }),
  );
  const out = join(dir, 'river.f64');
  const script = join(__dirname, 'anchors', 'river_online.py');
  const args = [script, '--stream', streamPath, '--start', startPath, '--skip', String(INITIAL_ROWS), '--out', out];
  const run = spawnSync(PYTHON, args, { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(
      `${PYTHON} river_online.py failed (set MLCYCLE_BENCH_PYTHON to a python with river):\n${run.stderr}`,
    );
  }
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
    seconds: number;
    versions: Record<string, string>;
  };
  const bytes = readFileSync(out);
  const probabilities = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  return { probabilities, seconds: result.seconds, versions: result.versions };
}

/**
 * End to end through the onlineTraining workflow (issue 10's second figure): online-flow's
 * bench/online-e2e.ts, when present, exports `measureEndToEnd` with this shape. Run with --e2e.
 */
interface EndToEndInput {
  streamPath: string;
  initialRows: number;
  batchSize: number;
}
interface EndToEndResult {
  records: number;
  seconds: number;
  updatesPerSecond: number;
  [detail: string]: unknown;
}

async function endToEnd(input: EndToEndInput): Promise<EndToEndResult | null> {
  const module = join(__dirname, 'online-e2e.ts');
  if (!END_TO_END) return null;
  if (!existsSync(module)) throw new Error('--e2e needs bench/online-e2e.ts (the workflow half of this benchmark)');
  const { measureEndToEnd } = (await import(module)) as {
    measureEndToEnd: (input: EndToEndInput) => Promise<EndToEndResult>;
  };
  return measureEndToEnd(input);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mlcycle-bench-online-'));
  try {
    const total = INITIAL_ROWS + STREAM_ROWS;
    const changeAt = Math.floor(STREAM_ROWS / 2);
    const streamPath = join(dir, 'stream.csv');
    await writeTelcoSample(streamPath, { rows: total, seed: SEED, conceptChangeAt: INITIAL_ROWS + changeAt });
    const stream = await readLabelledCsv(streamPath);
    const batch = batchFit(stream, range(0, INITIAL_ROWS));
    const start: LogisticModel =
      START === 'warm' ? batch.model : { weights: batch.model.weights.map(() => 0), intercept: 0 };
    const records = stream.records.slice(INITIAL_ROWS);
    const labels = stream.labels.slice(INITIAL_ROWS);
    const serving = predictProba(batch.model, encodeRecords(batch.spec, records));
    // The batch model a retrain on the new concept would give: fitted on fresh records of it.
    const retrainedStream = await telcoStream({ rows: 20_000, seed: SEED + 1, conceptChangeAt: 0 });
    const retrained = batchFit(retrainedStream, range(0, 20_000));
    const retrainedP = predictProba(retrained.model, encodeRecords(retrained.spec, records));
    console.log(
      `stream: ${STREAM_ROWS} Telco-shaped records after ${INITIAL_ROWS} initial ones, concept change at record ${changeAt}; ` +
        `both learners start ${START === 'warm' ? 'from the batch fit on the initial records' : 'cold (zero weights)'}`,
    );

    // One untimed pass over the initial slice, so V8 has compiled the loop before the timed one.
    runOurs(
      batch.spec,
      start,
      stream.records.slice(0, INITIAL_ROWS),
      stream.labels.slice(0, INITIAL_ROWS),
      predictProba(batch.model, encodeRecords(batch.spec, stream.records.slice(0, INITIAL_ROWS))),
    );
    const ours = runOurs(batch.spec, start, records, labels, serving);
    console.log(`mlcycle: ${Math.round(records.length / ours.seconds)} updates/s; running River…`);
    const river = runRiver(dir, streamPath, batch.spec, start);
    if (river.probabilities.length !== records.length) {
      throw new Error(`River scored ${river.probabilities.length} records, not ${records.length}`);
    }
    const e2e = await endToEnd({ streamPath, initialRows: INITIAL_ROWS, batchSize: BATCH_SIZE });

    const sections: Section[] = [
      { name: 'whole', start: 0, end: records.length },
      { name: 'beforeChange', start: 0, end: changeAt },
      { name: 'afterChange', start: changeAt, end: records.length },
      { name: 'lastTenth', start: records.length - Math.floor(records.length / 10), end: records.length },
    ];
    const rows = {
      mlcycle: scoreSections(labels, ours.probabilities, sections),
      river: scoreSections(labels, river.probabilities, sections),
      servingBatch: scoreSections(labels, serving, sections),
      retrainedOnNewConcept: scoreSections(labels, retrainedP, sections),
    };
    const perSecond = { mlcycle: records.length / ours.seconds, river: records.length / river.seconds };
    console.log(
      `\n${'progressive log loss / ROC AUC'.padEnd(26)}${sections.map((s) => s.name.padStart(18)).join('')}   updates/s`,
    );
    for (const [name, scores] of Object.entries(rows)) {
      const cells = sections.map((s) => `${scores[s.name]?.logLoss.toFixed(4)} / ${scores[s.name]?.rocAuc.toFixed(3)}`);
      const rate = name in perSecond ? Math.round(perSecond[name as keyof typeof perSecond]) : '';
      console.log(`${name.padEnd(26)}${cells.map((c) => c.padStart(18)).join('')}   ${String(rate).padStart(9)}`);
    }
    const speedup = perSecond.mlcycle / perSecond.river;
    const logLossDelta = (rows.mlcycle.whole?.logLoss ?? NaN) - (rows.river.whole?.logLoss ?? NaN);
    console.log(
      `mlcycle / River: ${speedup.toFixed(1)}× the updates/s (goal ≥ 10), whole-stream log loss ${logLossDelta >= 0 ? '+' : ''}${logLossDelta.toFixed(4)} ` +
        `(goal ≤ 0); ${(ours.clippedShare * 100).toFixed(1)} % of mlcycle's updates hit their bound; load average ${loadavg()[0]?.toFixed(1)}`,
    );
    if (e2e)
      console.log(
        `end to end through the workflow: ${Math.round(e2e.updatesPerSecond)} updates/s over ${e2e.records} records`,
      );
    else console.log('end to end through the workflow: not measured (run with --e2e)');

    const result = {
      at: new Date().toISOString(),
      start: START,
      streamRows: STREAM_ROWS,
      initialRows: INITIAL_ROWS,
      conceptChangeAtRecord: changeAt,
      seed: SEED,
      mlcycle: {
        rule: 'adagrad',
        ...DEFAULT_ONLINE_OPTIONS,
        batchSize: BATCH_SIZE,
        recordsPerCall: CHUNK,
        seconds: round(ours.seconds, 3),
        updatesPerSecond: Math.round(perSecond.mlcycle),
        clippedUpdateShare: round(ours.clippedShare),
        progressive: rows.mlcycle,
      },
      river: {
        pipeline: 'StandardScaler + OneHotEncoder | LogisticRegression (SGD 0.01, defaults)',
        seconds: river.seconds,
        updatesPerSecond: Math.round(perSecond.river),
        progressive: rows.river,
        versions: river.versions,
      },
      servingBatch: rows.servingBatch,
      retrainedOnNewConcept: rows.retrainedOnNewConcept,
      speedup: round(speedup, 1),
      endToEnd: e2e,
      goals: { speedup: 10, logLossNoWorseThanRiver: true },
      loadAverage: loadavg().map((load) => round(load, 2)),
      node: process.version,
      cpus: cpus().length,
    };
    mkdirSync(RESULTS, { recursive: true });
    const file = `online${START === 'cold' ? '-cold' : ''}${SEED === 2026 ? '' : `-seed${SEED}`}.json`;
    writeFileSync(join(RESULTS, file), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written bench/results/${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
