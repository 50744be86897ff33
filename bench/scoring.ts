// Benchmark: scoring in process and over the app. The ONNX session's latency for 1 and 1,000 rows
// (46-weight model shaped like the Telco export), and what the prediction log adds to /predict for 1 and
// 1,000 records (logging on vs off, interleaved) plus what writing the log later costs per record.
// Figures only; the tests check behaviour and assert no times.
// Usage: npm run bench:scoring
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PredictionLogWriter } from '../monitoring/prediction-log';
import { exportLogisticToOnnx } from '../models/onnx-export';
import { OnnxScorer } from '../models/onnx-scorer';
import type { RawRecord } from '../models/types';
import { buildScoringApp } from '../serving/app';
import { ModelPool } from '../serving/model-pool';
import { startScoringServer } from '../serving/server';
import { largeFixture } from '../test/models/onnx-fixture';
import { createFixture, InMemorySource, RECORDS } from '../test/serving/helpers';

const percentile = (sorted: number[], share: number): number => sorted[Math.floor(sorted.length * share)] ?? Number.NaN;
const median = (values: number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

async function onnxLatency(): Promise<Record<string, { p50: number; p95: number }>> {
  const { spec, model, records } = largeFixture(7, 1000);
  const scorer = await OnnxScorer.fromBytes(
    exportLogisticToOnnx(spec, model, { modelName: 'churn', version: 1, producerVersion: 'bench' }),
  );
  try {
    const timeMs = async (rows: RawRecord[], runs: number) => {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        await scorer.score(spec.inputs, rows);
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      samples.sort((a, b) => a - b);
      return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
    };
    await timeMs(records, 5); // warm-up
    return { '1 row': await timeMs([records[0] as RawRecord], 500), '1000 rows': await timeMs(records, 50) };
  } finally {
    await scorer.release();
  }
}

interface LoggingCost {
  records: number;
  offMs: number;
  onMs: number;
  addedMs: number;
  writeUsPerRecord: number;
}

async function loggingCost(): Promise<LoggingCost[]> {
  const fixture = await createFixture();
  const home = await mkdtemp(join(tmpdir(), 'mlcycle-bench-scoring-'));
  const pool = new ModelPool({
    source: new InMemorySource().add(await fixture.version('churn', 1)).setServing('churn', 1),
  });
  // A log that writes only when told: the requests measure what logging adds to them, and the flush
  // afterwards what writing costs the event loop between requests.
  const log = PredictionLogWriter.open(home, { flushIntervalMs: 3_600_000, maxBatch: 1_000_000, maxQueue: 1_000_000 });
  const logging = buildScoringApp({ pool, predictionLog: log });
  const plain = buildScoringApp({ pool });
  try {
    await pool.refresh();
    const results: LoggingCost[] = [];
    for (const [size, rounds] of [
      [1, 400],
      [1000, 40],
    ] as const) {
      const payload = JSON.stringify({ records: Array.from({ length: size }, (_, i) => RECORDS[i % RECORDS.length]) });
      const timings = { on: [] as number[], off: [] as number[] };
      // Interleaved, so a busy moment of the machine hits both alike; the first rounds warm up.
      for (let round = -5; round < rounds; round++) {
        for (const [mode, app] of [
          ['on', logging],
          ['off', plain],
        ] as const) {
          const start = performance.now();
          const response = await app.inject({
            method: 'POST',
            url: '/predict',
            headers: { 'content-type': 'application/json' },
            payload,
          });
          const elapsed = performance.now() - start;
          if (response.statusCode !== 200)
            throw new Error(`/predict answered ${response.statusCode}: ${response.body}`);
          if (round >= 0) timings[mode].push(elapsed);
        }
      }
      const started = performance.now();
      const written = log.flush();
      const writeMs = performance.now() - started;
      const [offMs, onMs] = [median(timings.off), median(timings.on)];
      results.push({ records: size, offMs, onMs, addedMs: onMs - offMs, writeUsPerRecord: (writeMs / written) * 1000 });
    }
    return results;
  } finally {
    await logging.close();
    await plain.close();
    log.close();
    await pool.close();
    await rm(home, { recursive: true, force: true });
    await fixture.cleanup();
  }
}

/** One-record /predict over real HTTP on loopback, one request at a time on a keep-alive connection. */
async function httpLatency(
  requests: number,
): Promise<{ requests: number; meanMs: number; p50Ms: number; p99Ms: number }> {
  const fixture = await createFixture();
  const server = await startScoringServer({
    host: '127.0.0.1',
    port: 0,
    source: new InMemorySource().add(await fixture.version('churn', 1)).setServing('churn', 1),
  });
  try {
    const body = JSON.stringify({ records: [RECORDS[0]] });
    const samples: number[] = [];
    for (let i = -50; i < requests; i++) {
      const start = performance.now();
      const response = await fetch(`${server.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`/predict answered ${response.status}`);
      if (i >= 0) samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    const meanMs = samples.reduce((sum, x) => sum + x, 0) / samples.length;
    return { requests, meanMs, p50Ms: percentile(samples, 0.5), p99Ms: percentile(samples, 0.99) };
  } finally {
    await server.close();
    await fixture.cleanup();
  }
}

async function main(): Promise<void> {
  const onnx = await onnxLatency();
  for (const [rows, { p50, p95 }] of Object.entries(onnx)) {
    console.log(`ONNX, 46-weight model, ${rows}: p50 ${p50.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms`);
  }
  const logging = await loggingCost();
  for (const { records, offMs, onMs, addedMs, writeUsPerRecord } of logging) {
    console.log(
      `/predict ${records} record(s), median: log off ${offMs.toFixed(3)} ms, on ${onMs.toFixed(3)} ms ` +
        `(added ${addedMs.toFixed(3)} ms); writing the log later: ${writeUsPerRecord.toFixed(1)} µs per record`,
    );
  }
  const http = await httpLatency(2_000);
  console.log(
    `/predict 1 record over HTTP, ${http.requests} requests one at a time: mean ${http.meanMs.toFixed(2)} ms, ` +
      `p50 ${http.p50Ms.toFixed(2)} ms, p99 ${http.p99Ms.toFixed(2)} ms`,
  );
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'scoring.json'),
    JSON.stringify({ at: new Date().toISOString(), onnx, logging, http }, null, 2),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
