// Benchmark: the train step on 1,000,000 Telco-shaped rows, as the worker runs it — in a worker
// thread of its own (activities/train-in-thread.ts): read the CSV, split, choose l2 over five
// fits, refit, score, build the drift baseline and write the run files. Reports the wall time and
// the peak resident memory of the process (main thread plus the training thread).
// Usage: npm run bench:train [-- --rows 1000000]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrainJobInThread } from '../activities/train-in-thread';
import { validatedData } from '../activities/validated-data';
import type { ValidatedData } from '../contracts/lifecycle-activities';
import { readCsvTable } from '../data/csv-reader';
import { writeTelcoSample } from '../data/sample-generator';
import { sha256File } from '../data/sha256';
import { validateTable } from '../data/validate';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const rows = arg('rows', 1_000_000);
const SEED = 7;
const mb = (kilobytes: number) => Math.round(kilobytes / 1024);

/** The validate step's answer, from a 10,000-row file of the same generator (its columns are the same). */
async function validatedLike(dataPath: string, dir: string): Promise<ValidatedData> {
  const samplePath = join(dir, 'schema-sample.csv');
  await writeTelcoSample(samplePath, { rows: 10_000, seed: SEED });
  const { table } = await readCsvTable(samplePath);
  const report = validateTable(table, { target: 'Churn' });
  if (!report.ok) throw new Error(`the sample does not validate: ${JSON.stringify(report.problems)}`);
  // The sample's findings, with the big file's path, digest and row count.
  return { ...validatedData(report, { dataPath, dataSha256: await sha256File(dataPath), profilePath: '' }), rows };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mlcycle-bench-train-'));
  try {
    const dataPath = join(dir, 'telco.csv');
    let started = performance.now();
    await writeTelcoSample(dataPath, { rows, seed: SEED });
    console.log(`generated ${rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const data = await validatedLike(dataPath, dir);
    const rssBeforeMb = Math.round(process.memoryUsage().rss / 2 ** 20);

    started = performance.now();
    const trained = await runTrainJobInThread(
      { modelName: 'bench', data, seed: 42, outDir: dir },
      {
        onProgress: (message) => {
          if (!message.startsWith('read '))
            console.log(`${((performance.now() - started) / 1000).toFixed(1)} s  ${message}`);
        },
      },
    );
    const trainSeconds = (performance.now() - started) / 1000;
    // ru_maxrss is the whole process's high-water mark: the training thread's memory is in it.
    const peakRssMb = mb(process.resourceUsage().maxRSS);
    // Reading alone, after training so its memory does not count in the training peak above.
    started = performance.now();
    const { table } = await readCsvTable(dataPath);
    const readSeconds = (performance.now() - started) / 1000;
    const rssAfterReadMb = Math.round(process.memoryUsage().rss / 2 ** 20);
    if (table.rowCount !== rows) throw new Error(`read ${table.rowCount} rows of ${rows}`);
    const result = {
      at: new Date().toISOString(),
      rows,
      trainSeconds: Number(trainSeconds.toFixed(1)),
      peakRssMb,
      rssBeforeTrainingMb: rssBeforeMb,
      readSeconds: Number(readSeconds.toFixed(1)),
      rssAfterReadMb,
      testRocAuc: Number(trained.metrics.rocAuc.toFixed(4)),
      l2: trained.params.l2,
      node: process.version,
      cpus: cpus().length,
    };
    console.log(JSON.stringify(result, null, 2));
    const out = join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, rows === 1_000_000 ? 'train-1m.json' : `train-${rows}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
