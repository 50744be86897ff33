// Benchmark: one driftMonitor run over a 100,000-row window of logged predictions with the Telco
// columns, on a real dev server and worker; goal under 2 s. Also times the parts in process
// (read the window, test it, write the report) to show where the time goes.
// Usage: npm run bench:drift [-- --rows 100000 --runs 3]
import Papa from 'papaparse';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTelcoCsv } from '../data/sample-generator';
import { detectDrift } from '../monitoring/drift/detect-drift';
import { resolveDriftConfig } from '../monitoring/drift/config';
import { renderDriftReportHtml } from '../monitoring/report/html';
import type { ModelBaseline } from '../monitoring/types';
import type { driftMonitor, mlLifecycle } from '../workflows';
import { TELCO_CSV } from '../test/helpers/paths';
import { startTestStack } from '../test/helpers/stack';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const rows = arg('rows', 100_000);
const runs = arg('runs', 3);
const NUMERIC = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);

function liveRecords(count: number): Record<string, unknown>[] {
  const parsed = Papa.parse<Record<string, string>>(generateTelcoCsv({ rows: count, seed: 2024 }).trim(), {
    header: true,
  }).data;
  return parsed.map((row) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([column]) => column !== 'customerID' && column !== 'Churn')
        .map(([column, value]) => [column, NUMERIC.has(column) ? (value.trim() === '' ? null : Number(value)) : value]),
    ),
  );
}

const time = <T>(fn: () => T): [T, number] => {
  const started = performance.now();
  const value = fn();
  return [value, performance.now() - started];
};

async function main(): Promise<void> {
  const stack = await startTestStack();
  try {
    const trained = await stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: `bench-drift-train-${Date.now()}`,
      args: [{ modelName: 'telco-churn', dataUri: TELCO_CSV }],
    });
    const records = liveRecords(rows);
    const now = Date.now();
    const entries = records.map((features, i) => ({
      id: randomUUID(),
      modelName: 'telco-churn',
      version: trained.version,
      time: now - 60_000 + (i % 1000),
      probability: 0.26,
      features,
    }));
    // A tenth of the window gets labels inside it, and as many earlier predictions (an hour before the
    // window) get theirs late, during it: the monitor reads both through the labelled_at index.
    const earlier = entries.slice(0, Math.floor(rows / 10)).map((entry) => ({
      ...entry,
      id: randomUUID(),
      time: now - 3_600_000,
    }));
    // Two appends: one of 110,000 would overflow the log's queue and drop the oldest.
    stack.predictionLog.append(entries);
    stack.predictionLog.flush();
    stack.predictionLog.append(earlier);
    stack.predictionLog.flush();
    const labels = [...entries.slice(0, earlier.length), ...earlier].map((entry, i) => ({
      id: entry.id,
      label: i % 4 === 0 ? 1 : 0,
    }));
    stack.predictionLog.recordFeedback(labels, now - 30_000);

    const baselineRef = stack.registry.getBaseline('telco-churn', trained.version);
    if (!baselineRef) throw new Error('no baseline');
    const baseline = JSON.parse(readFileSync(baselineRef.path, 'utf8')) as ModelBaseline;
    const to = new Date(now).toISOString();
    const [window, readMs] = time(() =>
      stack.predictionLogReader.readWindow('telco-churn', { from: now - 120_000, to, version: trained.version }),
    );
    const config = resolveDriftConfig();
    const [report, detectMs] = time(() =>
      detectDrift(baseline, window, config, { modelName: 'telco-churn', version: trained.version }),
    );
    const [html, renderMs] = time(() => renderDriftReportHtml(report));
    console.log(
      `in process, ${window.rows} rows: read window ${readMs.toFixed(0)} ms, detect drift ${detectMs.toFixed(0)} ms, ` +
        `render report ${renderMs.toFixed(0)} ms (${(html.length / 1024).toFixed(0)} KB)`,
    );

    const walls: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const result = await stack.env.client.workflow.execute<typeof driftMonitor>('driftMonitor', {
        taskQueue: stack.taskQueue,
        workflowId: `bench-drift-${Date.now()}-${i}`,
        args: [{ modelName: 'telco-churn', from: new Date(now - 120_000).toISOString(), to, retrain: false }],
      });
      walls.push(performance.now() - started);
      console.log(
        `driftMonitor run ${i + 1}/${runs}: ${walls[i]?.toFixed(0)} ms, window ${result.window.rows} rows, ` +
          `${result.performance?.labelled ?? 0} labels (${result.performance?.late ?? 0} late), decision ${result.decision}`,
      );
    }
    const median = [...walls].sort((a, b) => a - b)[Math.floor(walls.length / 2)] ?? NaN;
    console.log(`\ndriftMonitor over ${rows} logged rows: median ${median.toFixed(0)} ms (goal < 2000 ms)`);
    const out = join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'drift.json'),
      JSON.stringify({ at: new Date().toISOString(), rows, readMs, detectMs, renderMs, workflowMs: walls }, null, 2),
    );
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
