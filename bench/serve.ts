// Benchmark: the scoring server against a bare node:http + onnxruntime-node server and MLflow's, in one
// run on this machine with one loader (wrk). All three score the same one-record body of the Telco data:
// mlcycle (`mlcycle serve`, prediction log on) and the bare server the same ONNX file, MLflow a
// scikit-learn pipeline fitted on the same rows. At 1, 32 and 128 connections: requests/s, p50, p99 and
// the ratios to the bare server. Figures only; the tests check behaviour.
// Usage: npm run bench:serve (MLCYCLE_BENCH_PYTHON: a Python with mlflow and scikit-learn; without it
// the MLflow column is left out. MLCYCLE_BENCH_SECONDS: seconds per measurement, 10.)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';
import { exportLogisticToOnnx } from '../models/onnx-export';
import { trainLogisticModel } from '../models/training';
import type { InputColumn, RawTable } from '../models/types';
import { ModelRegistry } from '../registry/model-registry';
import { freePort } from '../test/helpers/free-port';

const ROOT = resolve(__dirname, '..');
const TELCO_CSV = process.env.MLCYCLE_BENCH_DATA ?? resolve(ROOT, '../shared/data/telco-customer-churn.csv');
const NUMERIC = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);
const CONNECTIONS = [1, 32, 128];
const SECONDS = Number(process.env.MLCYCLE_BENCH_SECONDS ?? 10);
/** Rounds over every server and connection count; each figure is the median of its rounds. */
const ROUNDS = Number(process.env.MLCYCLE_BENCH_ROUNDS ?? 3);
const WRK = process.env.MLCYCLE_BENCH_WRK ?? 'wrk';
const PROFILE_DIR = process.env.MLCYCLE_BENCH_PROFILE;
/** The first Telco customer, as a client would send it: numbers as numbers. */
const RECORD = {
  gender: 'Female',
  SeniorCitizen: 0,
  Partner: 'Yes',
  Dependents: 'No',
  tenure: 1,
  PhoneService: 'No',
  MultipleLines: 'No phone service',
  InternetService: 'DSL',
  OnlineSecurity: 'No',
  OnlineBackup: 'Yes',
  DeviceProtection: 'No',
  TechSupport: 'No',
  StreamingTV: 'No',
  StreamingMovies: 'No',
  Contract: 'Month-to-month',
  PaperlessBilling: 'Yes',
  PaymentMethod: 'Electronic check',
  MonthlyCharges: 29.85,
  TotalCharges: 29.85,
};

interface Target {
  name: string;
  url: string;
  body: string;
  /** The probability of churn it gives RECORD, read from its answer. */
  probability: (answer: unknown) => number;
  process: ChildProcess;
}

interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function readTelco(): RawTable {
  const parsed = Papa.parse<Record<string, string>>(readFileSync(TELCO_CSV, 'utf8'), {
    header: true,
    skipEmptyLines: true,
  });
  const header = parsed.meta.fields ?? [];
  const columns = Object.fromEntries(header.map((name) => [name, parsed.data.map((row) => (row[name] ?? '').trim())]));
  return { header, rowCount: parsed.data.length, columns };
}

/** Trains mlcycle's model on the Telco rows, writes its ONNX file and registers it as serving in `home`. */
function prepareMlcycleModel(home: string): { modelPath: string; specPath: string } {
  const table = readTelco();
  const inputs: InputColumn[] = table.header
    .filter((name) => name !== 'customerID' && name !== 'Churn')
    .map((name) => ({ name, kind: NUMERIC.has(name) ? 'numeric' : 'categorical' }));
  const fitted = trainLogisticModel(table, { target: 'Churn', positiveLabel: 'Yes', inputs, seed: 42 });
  const bytes = exportLogisticToOnnx(fitted.spec, fitted.model, {
    modelName: 'churn',
    version: 1,
    producerVersion: 'bench',
  });
  const modelPath = join(home, 'churn.onnx');
  const specPath = join(home, 'spec.json');
  writeFileSync(modelPath, bytes);
  writeFileSync(specPath, JSON.stringify(fitted.spec));
  const registry = ModelRegistry.open(home);
  try {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const { record } = registry.register({
      modelName: 'churn',
      artifactPath: modelPath,
      artifactSha256: sha256,
      expectedPath: join(home, 'expected.json'),
      spec: fitted.spec,
      threshold: fitted.threshold,
      target: 'Churn',
      positiveLabel: 'Yes',
      dataUri: `file://${TELCO_CSV}`,
      dataSha256: createHash('sha256').update(readFileSync(TELCO_CSV)).digest('hex'),
      dataRows: table.rowCount,
      params: fitted.params,
      metrics: fitted.metrics,
      packageVersion: 'bench',
      gitCommit: null,
      workflowId: 'bench-serve',
      runId: 'bench-serve',
    });
    registry.markServing('churn', record.version, 'bench/serve');
  } finally {
    registry.close();
  }
  return { modelPath, specPath };
}

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, logPath: string): ChildProcess {
  // Output straight to a file: a pipe nobody drains while wrk runs would block a server that logs
  // every request (uvicorn does) and measure that instead.
  const fd = openSync(logPath, 'a');
  try {
    return spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
}

/** Kills a started server and whatever it started (MLflow starts uvicorn), as one process group. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitUntilUp(url: string, child: ChildProcess, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before answering`);
    const up = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s`);
}

async function scoreOnce(target: Target): Promise<number> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: target.body,
  });
  if (!response.ok) throw new Error(`${target.name} answered ${response.status}: ${await response.text()}`);
  return target.probability(await response.json());
}

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match) throw new Error(`wrk printed a latency I cannot read: ${text}`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

function runWrk(target: Target, connections: number, seconds: number, script: string): Measurement {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s', '-s', script, target.url];
  const run = spawnSync(WRK, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrk failed (${run.status}): ${run.stderr}`);
  const out = run.stdout;
  const line = (pattern: RegExp) => {
    const found = pattern.exec(out);
    if (!found) throw new Error(`wrk output without ${pattern}:\n${out}`);
    return found[1] as string;
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = Number(non2xx?.[1] ?? 0) + (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  if (/^\s+0 requests in/m.test(out)) throw new Error(`${target.name} answered no request in ${seconds} s:\n${out}`);
  return {
    requestsPerSecond: Number(line(/Requests\/sec:\s+([\d.]+)/)),
    p50Ms: durationMs(line(/^\s+50%\s+(\S+)\s*$/m)),
    p99Ms: durationMs(line(/^\s+99%\s+(\S+)\s*$/m)),
    errors,
  };
}

function wrkScript(dir: string, target: Target): string {
  const path = join(dir, `${target.name}.lua`);
  writeFileSync(
    path,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[${target.body}]==]\n`,
  );
  return path;
}

async function startMlcycle(home: string, logs: string): Promise<Target> {
  const port = await freePort();
  const child = startProcess(
    process.execPath,
    // MLCYCLE_BENCH_PROFILE=<dir>: a V8 CPU profile of the server, written there when it stops.
    [
      ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
      join(ROOT, 'bin', 'mlcycle.cjs'),
      'serve',
    ],
    { MLCYCLE_FROM_SOURCE: '1', MLCYCLE_HOME: home, MLCYCLE_PORT: String(port), MLCYCLE_HOST: '127.0.0.1' },
    join(logs, 'mlcycle.log'),
  );
  await waitUntilUp(`http://127.0.0.1:${port}/health/ready`, child, 'mlcycle serve');
  return {
    name: 'mlcycle',
    url: `http://127.0.0.1:${port}/predict`,
    body: JSON.stringify({ records: [RECORD] }),
    probability: (answer) => (answer as { predictions: { probability: number }[] }).predictions[0]?.probability ?? NaN,
    process: child,
  };
}

async function startBare(modelPath: string, specPath: string, logs: string): Promise<Target> {
  const port = await freePort();
  const child = startProcess(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'anchors', 'bare-server.ts'), modelPath, specPath, String(port)],
    {},
    join(logs, 'bare.log'),
  );
  const url = `http://127.0.0.1:${port}/`;
  const body = JSON.stringify({ records: [RECORD] });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(url, { method: 'POST', body }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the bare server did not start');
    await new Promise((done) => setTimeout(done, 250));
  }
  return {
    name: 'bare',
    url,
    body,
    probability: (answer) => (answer as { probabilities: number[] }).probabilities[0] ?? NaN,
    process: child,
  };
}

async function startMlflow(python: string, dir: string, logs: string): Promise<Target> {
  const modelDir = join(dir, 'mlflow-model');
  const saved = spawnSync(python, [join(ROOT, 'bench', 'anchors', 'mlflow_model.py'), TELCO_CSV, modelDir], {
    encoding: 'utf8',
  });
  if (saved.status !== 0) throw new Error(`saving the MLflow model failed: ${saved.stderr}`);
  const port = await freePort();
  const bin = resolve(python, '..');
  const child = startProcess(
    join(bin, 'mlflow'),
    ['models', 'serve', '-m', modelDir, '--env-manager', 'local', '-h', '127.0.0.1', '-p', String(port)],
    // `mlflow models serve` runs `uvicorn` by name: the venv's bin must be on PATH.
    { PATH: `${bin}:${process.env.PATH ?? ''}` },
    join(logs, 'mlflow.log'),
  );
  await waitUntilUp(`http://127.0.0.1:${port}/ping`, child, 'mlflow models serve');
  return {
    name: 'mlflow',
    url: `http://127.0.0.1:${port}/invocations`,
    body: JSON.stringify({ dataframe_records: [RECORD] }),
    // predict_proba: [[P(no churn), P(churn)]]
    probability: (answer) => (answer as { predictions: number[][] }).predictions[0]?.[1] ?? NaN,
    process: child,
  };
}

/** A GET on a connection of its own (no pooled socket the server may have closed while idle), tried thrice. */
async function getText(url: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await new Promise<string>((resolve, reject) => {
        const request = httpGet(url, { agent: false }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          response.on('error', reject);
        });
        request.on('error', reject);
      });
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** The prediction log's figures from mlcycle's /metrics: it must have kept up with what was served. */
async function logFigures(target: Target): Promise<Record<string, number>> {
  const text = await getText(target.url.replace('/predict', '/metrics'));
  const figures: Record<string, number> = {};
  for (const name of ['queue_depth', 'written_total', 'dropped_total']) {
    const match = new RegExp(`^mlcycle_prediction_log_${name} (\\S+)$`, 'm').exec(text);
    figures[name] = Number(match?.[1]);
  }
  // The event loop's delay over the whole run (perf_hooks' histogram behind prom-client's defaults).
  for (const name of ['p50', 'p99', 'max']) {
    const match = new RegExp(`^nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text);
    figures[`eventloop_lag_${name}_ms`] = Number(match?.[1]) * 1000;
  }
  const served = [...text.matchAll(/^mlcycle_http_requests_total\{route="\/predict"[^}]*status="200"\} (\S+)$/gm)];
  figures.predict_200 = served.reduce((sum, m) => sum + Number(m[1]), 0);
  return figures;
}

/** Each figure's median over the rounds (errors summed). */
function medianMeasurement(list: Measurement[]): Measurement {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  return {
    requestsPerSecond: median(list.map((m) => m.requestsPerSecond)),
    p50Ms: median(list.map((m) => m.p50Ms)),
    p99Ms: median(list.map((m) => m.p99Ms)),
    errors: list.reduce((sum, m) => sum + m.errors, 0),
  };
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

function table(results: Record<string, Record<number, Measurement>>): string {
  const names = Object.keys(results);
  const head = ['connections', ...names.flatMap((n) => [`${n} req/s`, `${n} p50 ms`, `${n} p99 ms`])];
  const ratioNames = names.filter((n) => n !== 'bare');
  head.push(...ratioNames.flatMap((n) => [`${n}/bare req/s`, `${n}/bare p99`]));
  const rows = CONNECTIONS.map((c) => {
    const bare = results.bare?.[c];
    const cells = [String(c)];
    for (const n of names) {
      const m = results[n]?.[c];
      cells.push(fmt(m?.requestsPerSecond ?? NaN, 0), fmt(m?.p50Ms ?? NaN), fmt(m?.p99Ms ?? NaN));
    }
    for (const n of ratioNames) {
      const m = results[n]?.[c];
      cells.push(
        fmt((m?.requestsPerSecond ?? NaN) / (bare?.requestsPerSecond ?? NaN)),
        fmt((m?.p99Ms ?? NaN) / (bare?.p99Ms ?? NaN)),
      );
    }
    return cells;
  });
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mlcycle-bench-serve-'));
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const started: Target[] = [];
  let finished = false;
  try {
    const home = join(dir, 'home');
    mkdirSync(home);
    const { modelPath, specPath } = prepareMlcycleModel(home);
    started.push(await startMlcycle(home, logs));
    started.push(await startBare(modelPath, specPath, logs));
    const python = process.env.MLCYCLE_BENCH_PYTHON;
    if (python) started.push(await startMlflow(python, dir, logs));
    else console.log('MLCYCLE_BENCH_PYTHON is not set: no MLflow column');

    const probabilities: Record<string, number> = {};
    for (const target of started) probabilities[target.name] = await scoreOnce(target);
    console.log(`P(churn) of the record: ${JSON.stringify(probabilities)}`);
    if (Math.abs((probabilities.mlcycle ?? NaN) - (probabilities.bare ?? NaN)) > 1e-6) {
      throw new Error('mlcycle and the bare server score the same file differently');
    }

    const rounds: Record<string, Record<number, Measurement[]>> = {};
    const scripts = new Map(started.map((target) => [target.name, wrkScript(dir, target)]));
    const load = loadavg()[0];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const connections of CONNECTIONS) {
        // Interleaved, so a busy moment of the (shared) machine is shared among the servers.
        for (const target of started) {
          const script = scripts.get(target.name) as string;
          runWrk(target, connections, 2, script); // warm-up
          const measured = runWrk(target, connections, SECONDS, script);
          ((rounds[target.name] ??= {})[connections] ??= []).push(measured);
          console.log(
            `round ${round} ${target.name.padEnd(8)} c=${String(connections).padStart(3)}: ` +
              `${fmt(measured.requestsPerSecond, 0)} req/s, p50 ${fmt(measured.p50Ms)} ms, p99 ${fmt(measured.p99Ms)} ms` +
              (measured.errors ? `, ${measured.errors} errors` : ''),
          );
        }
      }
    }
    const results = Object.fromEntries(
      Object.entries(rounds).map(([name, byConnections]) => [
        name,
        Object.fromEntries(Object.entries(byConnections).map(([c, list]) => [c, medianMeasurement(list)])),
      ]),
    ) as Record<string, Record<number, Measurement>>;
    const mlcycle = started.find((target) => target.name === 'mlcycle') as Target;
    const log = await logFigures(mlcycle);
    console.log(`mlcycle's prediction log: ${JSON.stringify(log)}`);
    const markdown = table(results);
    console.log(`\n${markdown}`);
    const out = join(ROOT, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, loadavg1mAtStart: load, node: process.version };
    writeFileSync(
      join(out, 'serve.json'),
      JSON.stringify(
        {
          at: new Date().toISOString(),
          seconds: SECONDS,
          rounds: ROUNDS,
          machine,
          probabilities,
          results,
          log,
          all: rounds,
        },
        null,
        2,
      ),
    );
    writeFileSync(join(out, 'serve.md'), `${markdown}\n`);
    finished = true;
  } finally {
    for (const target of started) await stop(target.process).catch(() => undefined);
    if (finished) rmSync(dir, { recursive: true, force: true });
    else console.error(`the servers' logs are kept in ${logs}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
