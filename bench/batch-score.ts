// Benchmark: batchScore over 1,000,000 Telco-shaped rows, CSV → CSV, on a real Temporal dev server
// with the worker in a process of its own (`mlcycle worker`), beside the anchor: pandas +
// scikit-learn (read_csv, the same logistic-regression pipeline fitted on the same training rows,
// predict_proba, to_csv; bench/anchors/pandas_batch.py). Wall time and peak RSS of each, side by side.
// Goal: at most half of pandas + scikit-learn's time, the worker's RSS under 1 GB.
// The batch runs on a fresh worker process (the one that trained is stopped); its peak is the kernel
// high-water mark (VmHWM), reset once the worker polls so it is the batch run's alone; Python's is the scoring process's ru_maxrss (fitting runs in a process before it).
// Usage: npm run bench:batch [-- --rows 1000000 --chunk-rows 100000 --cpu-prof]
// Python: MLCYCLE_BENCH_PYTHON (default python3) with pandas and scikit-learn installed.
import { type Client } from '@temporalio/client';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BatchScoreInput, BatchScoreProgress, BatchScoreResult } from '../contracts/batch';
import { writeTelcoSample } from '../data/sample-generator';
import { progressLine } from '../cli/batch-progress';
import { startTestTemporal } from '../test/helpers/temporal';
import type { mlLifecycle } from '../workflows';
import { writeWorkflowBundle } from '../workers/workflow-bundle';

const argValue = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const rows = Number(argValue('rows') ?? 1_000_000);
const chunkRows = argValue('chunk-rows') === undefined ? undefined : Number(argValue('chunk-rows'));
const cpuProf = process.argv.includes('--cpu-prof');
const TRAIN_ROWS = 20_000;
const MODEL = 'bench-churn';
const ROOT = resolve(__dirname, '..');
const PYTHON = process.env.MLCYCLE_BENCH_PYTHON || 'python3';
const RESULTS = join(__dirname, 'results');
const PROFILE_DIR = join(tmpdir(), 'mlcycle-batch-profiles');

const seconds = (since: number): number => Number(((performance.now() - since) / 1000).toFixed(2));

/** A figure from /proc/PID/status in MB (VmHWM: peak resident set; VmRSS: current). */
function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  if (!line?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Math.round(Number(line[1]) / 1024);
}

/** `mlcycle worker` on its own task queue, from source; resolves once it polls. */
async function startWorker(
  address: string,
  home: string,
  dataRoot: string,
  taskQueue: string,
  workflowBundle: string,
): Promise<ChildProcess> {
  // Not in NODE_OPTIONS, which refuses --cpu-prof; threads the worker starts inherit it.
  const profile = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const worker = spawn(process.execPath, [...profile, join(ROOT, 'bin', 'mlcycle.cjs'), 'worker'], {
    env: {
      ...process.env,
      MLCYCLE_FROM_SOURCE: '1',
      TEMPORAL_ADDRESS: address,
      MLCYCLE_HOME: home,
      MLCYCLE_TASK_QUEUE: taskQueue,
      MLCYCLE_DATA_ROOTS: dataRoot,
      // As production workers start: without webpack in the process (scripts/build-workflow-bundle.ts).
      MLCYCLE_WORKFLOW_BUNDLE: workflowBundle,
      MLCYCLE_LOG_LEVEL: 'warn',
      MLCYCLE_LOG_FORMAT: 'text',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((ready, failed) => {
    const check = setInterval(() => {
      if (output.includes('worker polling')) ready();
      else if (worker.exitCode !== null) failed(new Error(`the worker exited ${worker.exitCode}:\n${output}`));
      else return;
      clearInterval(check);
    }, 100);
  });
  return worker;
}

/** SIGINT drains the worker and lets --cpu-prof write its profile. */
async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null) return;
  const exited = once(worker, 'exit');
  worker.kill('SIGINT');
  await exited;
}

/** User + system CPU seconds of a process, all its threads, from /proc/PID/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // Fields 14 and 15 of the file (utime, stime); the split above starts at field 3.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function runBatch(
  client: Client,
  taskQueue: string,
  input: BatchScoreInput,
  workerPid: number,
): Promise<{ result: BatchScoreResult; wallSeconds: number; cpuSeconds: number; peakRssMb: number }> {
  // From here the worker's high-water mark is the batch run's alone (5 = reset VmHWM, Linux ≥ 4.0).
  writeFileSync(`/proc/${workerPid}/clear_refs`, '5');
  const cpuBefore = cpuSeconds(workerPid);
  const started = performance.now();
  const handle = await client.workflow.start('batchScore', {
    taskQueue,
    workflowId: `bench-batch-${Date.now()}`,
    args: [input],
  });
  let lastPhase = '';
  // One query at a time, awaited before returning: a retry firing after the connection closes would throw.
  let querying: Promise<void> = Promise.resolve();
  let busy = false;
  const poll = setInterval(() => {
    if (busy) return;
    busy = true;
    querying = handle
      .query<BatchScoreProgress>('progress')
      .then((progress) => {
        const key = `${progress.phase}/${progress.chunksDone}`;
        if (key !== lastPhase) console.log(`${seconds(started).toFixed(1)} s  ${progressLine(progress)}`);
        lastPhase = key;
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 250);
  try {
    const result = (await handle.result()) as BatchScoreResult;
    return {
      result,
      wallSeconds: seconds(started),
      cpuSeconds: Number((cpuSeconds(workerPid) - cpuBefore).toFixed(2)),
      peakRssMb: procStatusMb(workerPid, 'VmHWM'),
    };
  } finally {
    clearInterval(poll);
    await querying;
  }
}

interface AnchorRun {
  seconds: number;
  cpuSeconds: number;
  readSeconds: number;
  predictSeconds: number;
  writeSeconds: number;
  peakRssMb: number;
  meanProbability: number;
  versions: Record<string, string>;
}

function python(args: string[]): Record<string, unknown> {
  const run = spawnSync(PYTHON, [join(__dirname, 'anchors', 'pandas_batch.py'), ...args], { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(
      `${PYTHON} pandas_batch.py ${args[0]} failed (set MLCYCLE_BENCH_PYTHON to a python with pandas and scikit-learn):\n${run.stderr}`,
    );
  }
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

function runAnchor(dir: string, trainPath: string, inputPath: string): AnchorRun & { wallSeconds: number } {
  const modelPath = join(dir, 'anchor.pkl');
  python(['fit', '--train', trainPath, '--model', modelPath]);
  const started = performance.now();
  const scored = python(['score', '--model', modelPath, '--data', inputPath, '--out', join(dir, 'anchor-out.csv')]);
  // Wall time includes Python's start and its imports, as batchScore's includes Temporal's scheduling.
  return { ...(scored as unknown as AnchorRun), wallSeconds: seconds(started) };
}

/** Mean of the output's prediction_probability column, to see both sides scored alike. */
async function meanProbability(path: string): Promise<number> {
  let column = -1;
  let sum = 0;
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(path) })) {
    const cells = line.split(',');
    if (column < 0) {
      column = cells.indexOf('prediction_probability');
      continue;
    }
    sum += Number(cells[column]);
    count += 1;
  }
  return sum / count;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mlcycle-bench-batch-'));
  let worker: ChildProcess | undefined;
  const env = await startTestTemporal();
  try {
    const trainPath = join(dir, 'train.csv');
    const inputPath = join(dir, 'customers.csv');
    const started = performance.now();
    await writeTelcoSample(trainPath, { rows: TRAIN_ROWS, seed: 11 });
    await writeTelcoSample(inputPath, { rows, seed: 7 });
    const inputMb = Math.round(statSync(inputPath).size / 2 ** 20);
    console.log(`generated ${rows} rows (${inputMb} MB) and ${TRAIN_ROWS} training rows in ${seconds(started)} s`);

    const taskQueue = `bench-batch-${process.pid}`;
    const workflowBundle = join(dir, 'workflow-bundle.js');
    await writeWorkflowBundle(workflowBundle);
    const startOurWorker = () => startWorker(env.address, join(dir, 'home'), dir, taskQueue, workflowBundle);
    worker = await startOurWorker();
    const trained = await env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue,
      workflowId: `bench-batch-train-${Date.now()}`,
      args: [{ modelName: MODEL, dataUri: trainPath, deploy: false }],
    });
    console.log(
      `trained ${MODEL} v${trained.version} on ${TRAIN_ROWS} rows (ROC AUC ${trained.metrics.rocAuc.toFixed(3)})`,
    );
    // The batch runs on a fresh worker process, so what training left in the heap is not counted.
    await stopWorker(worker);
    worker = await startOurWorker();
    const rssBeforeMb = procStatusMb(worker.pid ?? 0, 'VmRSS');

    const outputPath = join(dir, 'scored.csv');
    const batch = await runBatch(
      env.client,
      taskQueue,
      {
        modelName: MODEL,
        version: trained.version,
        inputUri: inputPath,
        outputUri: outputPath,
        ...(chunkRows ? { chunkRows } : {}),
      },
      worker.pid ?? 0,
    );
    if (batch.result.scoredRows !== rows)
      throw new Error(`batchScore scored ${batch.result.scoredRows} of ${rows} rows`);
    const batchMean = await meanProbability(outputPath);
    rmSync(outputPath, { force: true });

    console.log('running the pandas + scikit-learn anchor…');
    const anchor = runAnchor(dir, trainPath, inputPath);

    const ratio = batch.wallSeconds / anchor.wallSeconds;
    const rowsPerSecond = (wall: number) => Math.round(rows / wall);
    const line = (name: string, wall: number, cpu: number, rss: number): string =>
      `${name.padEnd(32)}${wall.toFixed(1).padStart(8)}${cpu.toFixed(1).padStart(8)}${String(rowsPerSecond(wall)).padStart(10)}${String(rss).padStart(13)}`;
    console.log(`\n${`${rows} rows, CSV → CSV`.padEnd(32)}  wall s   CPU s    rows/s  peak RSS MB`);
    console.log(
      line(`batchScore (1 worker, ${cpus().length} cores)`, batch.wallSeconds, batch.cpuSeconds, batch.peakRssMb),
    );
    console.log(line('pandas + scikit-learn', anchor.wallSeconds, anchor.cpuSeconds, anchor.peakRssMb));
    console.log(
      `batchScore / anchor: ${ratio.toFixed(2)} wall, ${(batch.cpuSeconds / anchor.cpuSeconds).toFixed(2)} CPU (goal ≤ 0.5); ` +
        `worker peak RSS ${batch.peakRssMb} MB (goal < 1024), ${rssBeforeMb} MB idle; ` +
        `mean probability ${batchMean.toFixed(4)} vs ${anchor.meanProbability.toFixed(4)}; load average ${loadavg()[0]?.toFixed(1)}`,
    );
    const result = {
      at: new Date().toISOString(),
      rows,
      inputMb,
      trainRows: TRAIN_ROWS,
      chunkRows: chunkRows ?? null,
      batchScore: {
        wallSeconds: batch.wallSeconds,
        workflowSeconds: batch.result.seconds,
        workerCpuSeconds: batch.cpuSeconds,
        peakRssMb: batch.peakRssMb,
        workerRssBeforeMb: rssBeforeMb,
        rowsPerSecond: rowsPerSecond(batch.wallSeconds),
        rejectedRows: batch.result.rejectedRows,
        loggedRows: batch.result.loggedRows,
        logSampled: batch.result.logSampled,
        meanProbability: Number(batchMean.toFixed(6)),
      },
      pandasSklearn: {
        wallSeconds: anchor.wallSeconds,
        scriptSeconds: anchor.seconds,
        cpuSeconds: anchor.cpuSeconds,
        readSeconds: anchor.readSeconds,
        predictSeconds: anchor.predictSeconds,
        writeSeconds: anchor.writeSeconds,
        peakRssMb: anchor.peakRssMb,
        rowsPerSecond: rowsPerSecond(anchor.wallSeconds),
        meanProbability: Number(anchor.meanProbability.toFixed(6)),
        versions: anchor.versions,
      },
      ratio: Number(ratio.toFixed(3)),
      cpuRatio: Number((batch.cpuSeconds / anchor.cpuSeconds).toFixed(3)),
      // Other work on the machine (other test suites, say) slows both sides; the ratio is the figure to read.
      loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
      goals: { ratio: 0.5, peakRssMb: 1024 },
      node: process.version,
      cpus: cpus().length,
    };
    mkdirSync(RESULTS, { recursive: true });
    const file = rows === 1_000_000 ? 'batch-score.json' : `batch-score-${rows}.json`;
    writeFileSync(join(RESULTS, file), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written bench/results/${file}`);
  } finally {
    if (worker) await stopWorker(worker);
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
    if (cpuProf) console.log(`CPU profiles of the worker and its threads in ${PROFILE_DIR} (open in Chrome DevTools)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
