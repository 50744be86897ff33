import { Client, Connection, type ScheduleClient } from '@temporalio/client';
import Papa from 'papaparse';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeTelcoSample } from '../../data/sample-generator';
import { finished, runCli, startCli, startCliOnTerminal, type RunningCli } from '../helpers/cli-process';
import { freePort } from '../helpers/free-port';
import { tempHome } from '../helpers/paths';
import { waitFor } from '../helpers/wait-for';

const ROWS = 3_000;
const SCORE_COLUMNS = ['prediction_probability', 'prediction_label', 'model_version'];

const readCsv = (path: string): { fields: string[]; rows: Record<string, string>[] } => {
  const parsed = Papa.parse<Record<string, string>>(readFileSync(path, 'utf8'), { header: true, skipEmptyLines: true });
  return { fields: parsed.meta.fields ?? [], rows: parsed.data };
};
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The Telco-shaped file with `bad` of its rows spoiled: an unseen contract or a tenure that is not a number. */
async function customers(path: string, rows: number, bad: number): Promise<void> {
  await writeTelcoSample(path, { rows, seed: 21 });
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  for (let i = 1; i <= bad; i++) {
    const cells = (lines[i * 7] ?? '').split(',');
    if (i % 2 === 0) cells[15] = 'Forever';
    else cells[5] = 'twelve';
    lines[i * 7] = cells.join(',');
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

// One `dev` stack for the file, as a user starts it on custom ports; each `it` is a step a user takes.
describe('`mlcycle score` scores a file with batchScore and schedules it', () => {
  const home = tempHome('score-cli');
  const work = join(home, 'campaign');
  mkdirSync(work);
  let env: NodeJS.ProcessEnv;
  let uiLink: RegExp;
  let dev: RunningCli | undefined;
  let connection: Connection | undefined;
  let client: Client;
  let schedules: ScheduleClient;
  const batchRuns = async (): Promise<number> => {
    let count = 0;
    for await (const _ of client.workflow.list({ query: "WorkflowType = 'batchScore'" })) count++;
    return count;
  };

  before(async () => {
    const ports = { temporal: await freePort(), ui: await freePort(), scoring: await freePort() };
    env = {
      MLCYCLE_HOME: home,
      MLCYCLE_PORT: String(ports.scoring),
      MLCYCLE_TEMPORAL_PORT: String(ports.temporal),
      MLCYCLE_UI_PORT: String(ports.ui),
      TEMPORAL_ADDRESS: '',
      TEMPORAL_UI_URL: '',
      // The worker reads and writes batch files only under the data home and these folders.
      MLCYCLE_DATA_ROOTS: work,
      MLCYCLE_LOG_FORMAT: 'text',
    };
    uiLink = new RegExp(
      `http://localhost:${ports.ui}/namespaces/default/workflows/telco-churn-score-[^/]+/[^/]+/history`,
    );
    await customers(join(work, 'customers.csv'), ROWS, 2);
    dev = startCli(['dev'], env);
    await dev.waitFor('serving until Ctrl-C');
    connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    client = new Client({ connection });
    schedules = client.schedule;
  });

  after(async () => {
    await connection?.close();
    if (dev && dev.child.exitCode === null) {
      dev.child.kill('SIGINT');
      const timer = setTimeout(() => dev?.child.kill('SIGKILL'), 30_000);
      await dev.closed;
      clearTimeout(timer);
    }
  });

  it('scores relative paths from the current folder, prints the run link, progress and the result, and writes every input column plus the scores', async () => {
    const scored = await runCli(
      ['score', '--model', 'telco-churn', '--data', 'customers.csv', '--out', 'scored.csv', '--chunk-rows', '1000'],
      env,
      work,
    );
    assert.equal(scored.code, 0, scored.output);
    assert.match(scored.output, uiLink, 'the Web UI link of the run, on the custom UI port');
    // Piped: one plain line a finished chunk, ending on the final state.
    assert.match(scored.output, /^\[telco-churn v1\] scoring: [\d,]+\/3,000 rows \(\d+%\)/m);
    assert.match(scored.output, /^\[telco-churn v1\] done: 3,000\/3,000 rows \(100%\), [\d,]+ rows\/s, 2 rejected$/m);
    assert.match(scored.output, /^scored telco-churn v1: 3,000 rows read, 2,998 scored, 2 rejected in [\d.]+ s/m);
    const outputPath = join(work, 'scored.csv');
    assert.ok(scored.output.includes(`output: ${outputPath} (sha256 ${sha256(outputPath)})`), scored.output);
    const rejectsPath = /^rejects: (\/\S+) \(sha256 [0-9a-f]{64}\)$/m.exec(scored.output)?.[1] ?? '';
    assert.ok(existsSync(rejectsPath), `the printed rejects file exists:\n${scored.output}`);
    assert.match(readFileSync(rejectsPath, 'utf8'), /tenure/);
    assert.match(readFileSync(rejectsPath, 'utf8'), /Contract/);

    const input = readCsv(join(work, 'customers.csv'));
    const output = readCsv(outputPath);
    assert.deepEqual(output.fields, [...input.fields, ...SCORE_COLUMNS]);
    assert.equal(output.rows.length, ROWS - 2);
    assert.ok(output.rows.every((row) => row.model_version === '1'));
    const probability = Number(output.rows[0]?.prediction_probability);
    assert.ok(probability > 0 && probability < 1, `a probability: ${output.rows[0]?.prediction_probability}`);
  });

  it('draws a progress bar on a terminal', async () => {
    const scored = await finished(
      startCliOnTerminal(
        [
          'score',
          '--model',
          'telco-churn',
          '--data',
          'customers.csv',
          '--out',
          'scored-tty.csv',
          '--chunk-rows',
          '500',
        ],
        env,
        work,
      ),
    );
    assert.equal(scored.code, 0, scored.output);
    assert.ok(scored.output.includes('\r\u001b[2K['), 'the bar is redrawn in place');
    assert.match(scored.output, /\[█+\] 100% 3,000\/3,000 rows, [\d,]+ rows\/s, 2 rejected · done/);
    assert.match(scored.output, /scored telco-churn v1: 3,000 rows read, 2,998 scored, 2 rejected/);
  });

  it('exits 1 with the typed failure that says how many rows failed and why when too many rows are bad', async () => {
    await customers(join(work, 'spoiled.csv'), 200, 10);
    const failed = await runCli(
      ['score', '--model', 'telco-churn', '--data', 'spoiled.csv', '--out', 'spoiled-scored.csv'],
      env,
      work,
    );
    assert.equal(failed.code, 1, failed.output);
    assert.match(failed.output, uiLink);
    assert.match(failed.output, /batchScore telco-churn-score-\S+ workflow failed/);
    assert.match(
      failed.output,
      /TooManyRejectsError: 10 of 200 rows \(5\.00%\) failed validation, more than maxErrorRate 1% allows/,
    );
    assert.equal(existsSync(join(work, 'spoiled-scored.csv')), false, 'no output from a failed run');
  });

  it('Ctrl-C stops following and says how to cancel; the run itself goes on to the end', async () => {
    await customers(join(work, 'big.csv'), 100_000, 0);
    const following = startCli(
      ['score', '--model', 'telco-churn', '--data', 'big.csv', '--out', 'big-scored.csv', '--chunk-rows', '10000'],
      env,
      work,
    );
    await following.waitFor('started batchScore');
    following.child.kill('SIGINT');
    const stopped = await finished(following);
    assert.equal(stopped.code, 130, stopped.output);
    const workflowId = /stopped following; (telco-churn-score-\S+) goes on \(http:\/\/localhost:/.exec(
      stopped.output,
    )?.[1];
    assert.ok(workflowId, stopped.output);
    assert.match(stopped.output, /stop it with: temporal workflow cancel --workflow-id telco-churn-score-/);
    const result = (await client.workflow.getHandle(workflowId).result()) as { scoredRows: number };
    assert.equal(result.scoredRows, 100_000);
  });

  it('refuses bad arguments before anything starts', async () => {
    await waitFor(async () => (await batchRuns()) === 4, { timeoutMs: 30_000, what: 'the four runs listed' });
    const refusals: [string[], RegExp][] = [
      [['--data', 'missing.csv', '--out', 'x.csv'], /--data \/.*\/missing\.csv: no such file/],
      [['--data', 'customers.csv', '--out', 'nowhere/x.csv'], /the folder \/.*\/nowhere does not exist/],
      [['--data', 'customers.csv', '--out', 'x.json'], /--out \/.*\/x\.json: name a \.csv or \.parquet file/],
      [['--data', 'customers.csv', '--out', 'x.csv', '--max-error-rate', '5'], /--max-error-rate must be a share/],
      [['--data', 'customers.csv', '--out', 'x.csv', '--version', 'latest'], /--version must be a whole number/],
      [['--data', 'customers.csv'], /--out is required/],
      [['--data', 'customers.csv', '--out', 'x.csv', '--every', '1d', '--pause'], /give it without --pause/],
      [['--data', 'customers.csv', '--out', 'x.csv', '--every', 'nightly'], /--every "nightly" is not an interval/],
    ];
    for (const [args, message] of refusals) {
      const refused = await runCli(['score', '--model', 'telco-churn', ...args], env, work);
      assert.equal(refused.code, 1, `${args.join(' ')}: ${refused.output}`);
      assert.match(refused.output, message);
    }
    const badModel = await runCli(['score', '--model', 'a/b', '--data', 'customers.csv', '--out', 'x.csv'], env, work);
    assert.match(badModel.output, /--model "a\/b" is not a model name/);
    assert.equal(await batchRuns(), 4, 'no run was started');
    const scheduleIds: string[] = [];
    for await (const listed of schedules.list()) scheduleIds.push(listed.scheduleId);
    assert.ok(
      !scheduleIds.some((id) => id.startsWith('batch-score-')),
      `no schedule was created: ${scheduleIds.join(', ')}`,
    );
  });

  it('`--every 1d` creates the Schedule batch-score-NAME with the absolute paths; --trigger --wait prints what the run scored; pause, resume and delete operate it', async () => {
    const nightly = join(work, 'nightly.csv');
    const created = await runCli(
      ['score', '--model', 'telco-churn', '--data', 'customers.csv', '--out', 'nightly.csv', '--every', '1d'],
      env,
      work,
    );
    assert.equal(created.code, 0, created.output);
    assert.ok(
      created.output.includes(
        `batch-score-telco-churn created: batchScore of ${join(work, 'customers.csv')} into ${nightly} with the version serving at each run every 1d`,
      ),
      created.output,
    );
    const schedule = await schedules.getHandle('batch-score-telco-churn').describe();
    assert.equal(schedule.spec.intervals?.[0]?.every, 24 * 3_600_000);
    assert.equal(schedule.policies.overlap, 'SKIP');
    assert.deepEqual(schedule.action.type === 'startWorkflow' ? schedule.action.args : undefined, [
      { modelName: 'telco-churn', inputUri: join(work, 'customers.csv'), outputUri: nightly },
    ]);

    const triggered = await runCli(['score', '--model', 'telco-churn', '--trigger', '--wait'], env, work);
    assert.equal(triggered.code, 0, triggered.output);
    assert.match(
      triggered.output,
      /batch-score-telco-churn: started batchScore batch-score-telco-churn-\S+: http:\/\/localhost:/,
    );
    assert.match(triggered.output, /^scored telco-churn v1: 3,000 rows read, 2,998 scored, 2 rejected/m);
    assert.ok(triggered.output.includes(`output: ${nightly} (sha256 ${sha256(nightly)})`), triggered.output);

    await runCli(['score', '--model', 'telco-churn', '--pause'], env);
    assert.equal((await schedules.getHandle('batch-score-telco-churn').describe()).state.paused, true);
    await runCli(['score', '--model', 'telco-churn', '--resume'], env);
    assert.equal((await schedules.getHandle('batch-score-telco-churn').describe()).state.paused, false);
    const deleted = await runCli(['score', '--model', 'telco-churn', '--delete'], env);
    assert.match(deleted.output, /batch-score-telco-churn: delete done/);
    await assert.rejects(schedules.getHandle('batch-score-telco-churn').describe());
    const gone = await runCli(['score', '--model', 'telco-churn', '--trigger'], env);
    assert.equal(gone.code, 1);
    assert.match(gone.output, /there is no schedule batch-score-telco-churn; create it first/);
  });
});
