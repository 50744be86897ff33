import { Client, Connection, type ScheduleClient } from '@temporalio/client';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Papa from 'papaparse';
import { TELCO_CSV, tempHome } from '../helpers/paths';
import { waitFor } from '../helpers/wait-for';
import { freePort } from '../helpers/free-port';
import { runCli, startCli, type RunningCli } from '../helpers/cli-process';

async function interrupt(running: RunningCli): Promise<number | null> {
  running.child.kill('SIGINT');
  const [code] = (await once(running.child, 'exit')) as [number | null];
  return code;
}

/** Every console line of `dev` is one of its own `mlcycle | …` lines: no banner, no log lines. */
function assertQuietConsole(output: string): void {
  const foreign = output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('mlcycle | '));
  assert.deepEqual(foreign, [], `only mlcycle's own lines on the console:\n${output}`);
}

/** How many of `ids` the prediction log under `home` holds, read as the drift monitor reads it: from the file. */
function loggedCount(home: string, ids: string[]): number {
  const db = new Database(join(home, 'monitoring', 'predictions.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const stored = new Set(db.prepare<[], string>('SELECT id FROM predictions').pluck().all());
    return ids.filter((id) => stored.has(id)).length;
  } finally {
    db.close();
  }
}

// One stack for the whole file: `before` starts `dev` as a user would, each `it` is one step a user
// takes against it, in order (node:test runs them one after another), so a failing step names what broke.
describe('the mlcycle CLI as a user runs it', () => {
  const home = tempHome('cli');
  const started: RunningCli[] = [];
  let env: NodeJS.ProcessEnv;
  let ports: { temporal: number; ui: number; scoring: number };
  let uiLink: RegExp;
  let scoring: string;
  let dev: RunningCli;
  let connection: Connection | undefined;
  let schedules: ScheduleClient;
  /** The id of the first run, the one `dev` started for the sample model. */
  let firstRunId: string;
  const requestPath = join(home, 'data', 'sample-request.json');
  const expectedInput = { modelName: 'telco-churn', dataUri: resolve(TELCO_CSV) };
  const retrainInput = async (): Promise<unknown> => {
    const { action } = await schedules.getHandle('retrain-telco-churn').describe();
    return action.type === 'startWorkflow' ? action.args?.[0] : undefined;
  };
  const predictSample = () =>
    fetch(`${scoring}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: readFileSync(requestPath),
    });

  before(async () => {
    ports = { temporal: await freePort(), ui: await freePort(), scoring: await freePort() };
    // The environment `npm start` gets, custom ports and no TEMPORAL_ADDRESS: every other command
    // below runs with exactly this and must reach the same stack.
    env = {
      MLCYCLE_HOME: home,
      MLCYCLE_PORT: String(ports.scoring),
      MLCYCLE_TEMPORAL_PORT: String(ports.temporal),
      MLCYCLE_UI_PORT: String(ports.ui),
      TEMPORAL_ADDRESS: '',
      TEMPORAL_UI_URL: '',
      // The worker reads data only from the data home and these folders: the Telco CSV's.
      MLCYCLE_DATA_ROOTS: dirname(TELCO_CSV),
      // The lines a person reads on a terminal; piped, as here, they would be JSON lines otherwise.
      MLCYCLE_LOG_FORMAT: 'text',
    };
    uiLink = new RegExp(`http://localhost:${ports.ui}/namespaces/default/workflows/`);
    scoring = `http://127.0.0.1:${ports.scoring}`;
    dev = startCli(['dev'], env);
    started.push(dev);
    await dev.waitFor('serving until Ctrl-C');
    connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    schedules = new Client({ connection }).schedule;
  });

  // A step that failed half-way still stops its stack the way a user would (Ctrl-C), so `dev` stops the
  // dev server it started; SIGKILL only if that hangs.
  after(async () => {
    await connection?.close();
    for (const running of started) {
      if (running.child.exitCode !== null) continue;
      const exited = once(running.child, 'exit');
      running.child.kill('SIGINT');
      const timer = setTimeout(() => running.child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
  });

  it('`dev` trains and deploys the sample model, creates its drift monitor schedule and links the run on the custom UI port', async () => {
    assert.match(dev.output(), /telco-churn v1 deployed: smoke test passed/);
    assert.match(dev.output(), /drift monitor schedule drift-monitor-telco-churn created \(every 1h/);
    const link = dev
      .output()
      .match(/http:\/\/localhost:(\d+)\/namespaces\/default\/workflows\/(telco-churn-sample-\w+)\//);
    assert.equal(link?.[1], String(ports.ui));
    firstRunId = link?.[2] ?? '';
    const ui = await fetch(`http://localhost:${ports.ui}/`);
    assert.equal(ui.status, 200, 'the Web UI answers');
  });

  it('`dev` prints only its own lines; the Temporal banner and worker logs go to log files under the data home', () => {
    assertQuietConsole(dev.output());
    assert.match(dev.output(), /^mlcycle \| data home .*; logs of the worker and the dev server in .*logs\/$/m);
    const logs = {
      worker: join(home, 'logs', 'mlcycle.log'),
      devServer: join(home, 'logs', 'temporal-dev-server.log'),
    };
    assert.match(readFileSync(logs.devServer, 'utf8'), /Temporal Server: +localhost:\d+/, 'the banner went to the log');
    const logged = readFileSync(logs.worker, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string; modelName?: string });
    assert.ok(
      logged.some((entry) => entry.level === 30 && entry.msg === 'model deployed' && entry.modelName === 'telco-churn'),
      'activity logs went to the log file as JSON lines',
    );
  });

  it('the scoring server is ready and answers the printed sample request, which names its model', async () => {
    assert.equal((await fetch(`${scoring}/health/ready`)).status, 200);
    assert.match(dev.output(), new RegExp(`-d @\\S*${basename(requestPath)}`));
    const sampleRequest = JSON.parse(readFileSync(requestPath, 'utf8')) as { model?: string };
    assert.equal(sampleRequest.model, 'telco-churn');
    assert.equal((await predictSample()).status, 200);
  });

  it('`monitor --trigger --wait` runs the drift monitor over logged traffic and prints its decision, reason and report; `drift report` names it', async () => {
    // Live traffic like the training data, then the schedule triggered from the CLI with --wait: it
    // waits for that run and prints its decision, reason and report.
    const traffic = Papa.parse<Record<string, string>>(readFileSync(join(home, 'data', 'telco-sample.csv'), 'utf8'), {
      header: true,
      skipEmptyLines: true,
    })
      .data.slice(0, 300)
      .map(({ customerID: _id, Churn: _churn, ...record }) => record);
    const scored = await fetch(`${scoring}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ records: traffic }),
    });
    assert.equal(scored.status, 200);
    // The server writes its log on a timer; the monitor reads the file, so the rows must be in it first.
    const ids = ((await scored.json()) as { predictions: { id: string }[] }).predictions.map((p) => p.id);
    await waitFor(() => loggedCount(home, ids) === ids.length, { what: 'the 300 predictions in the log file' });
    const trigger = await runCli(['monitor', '--model', 'telco-churn', '--trigger', '--wait'], env);
    assert.equal(trigger.code, 0, trigger.output);
    assert.match(trigger.output, /drift-monitor-telco-churn: started driftMonitor drift-monitor-telco-churn-\S+: /);
    assert.match(trigger.output, uiLink, 'the run link points at the custom UI port');
    assert.match(trigger.output, /^decision: no-drift$/m);
    assert.match(trigger.output, /^reason: .+/m);
    const reportPath = trigger.output.match(/^report: (.*\.html)$/m)?.[1] ?? '';
    assert.ok(existsSync(reportPath), `the printed report exists: ${trigger.output}`);
    const report = await runCli(['drift', 'report', '--model', 'telco-churn'], env);
    assert.equal(report.code, 0, report.output);
    assert.match(report.output, /telco-churn: .*monitoring\/reports\/telco-churn\/.*\.html/);
    assert.match(report.output, /^ {2}dataset drift: no — .+; decision: no-drift$/m);
  });

  it('`monitor` updates, pauses and resumes the schedule as Temporal reports it, and refuses clashing flags, a missing schedule and --wait alone', async () => {
    const updated = await runCli(['monitor', '--model', 'telco-churn', '--every', '30m', '--cooldown', '2h'], env);
    assert.match(updated.output, /drift-monitor-telco-churn updated: driftMonitor every 30m/);
    assert.match(
      updated.output,
      /cooldown 2h, at least 100 new labelled records; min rows 100; default drift settings/,
    );
    const monitorSchedule = await schedules.getHandle('drift-monitor-telco-churn').describe();
    assert.equal(monitorSchedule.spec.intervals?.[0]?.every, 30 * 60_000);
    await runCli(['monitor', '--model', 'telco-churn', '--pause'], env);
    assert.equal((await schedules.getHandle('drift-monitor-telco-churn').describe()).state.paused, true);
    await runCli(['monitor', '--model', 'telco-churn', '--resume'], env);
    assert.equal((await schedules.getHandle('drift-monitor-telco-churn').describe()).state.paused, false);
    const badFlags = await runCli(['monitor', '--model', 'telco-churn', '--pause', '--delete'], env);
    assert.equal(badFlags.code, 1);
    assert.match(badFlags.output, /choose one of --pause, --delete/);
    const missing = await runCli(['monitor', '--model', 'no-such-model', '--trigger', '--wait'], env);
    assert.equal(missing.code, 1, missing.output);
    assert.match(missing.output, /there is no schedule drift-monitor-no-such-model; create it first/);
    const waitAlone = await runCli(['monitor', '--model', 'telco-churn', '--wait'], env);
    assert.equal(waitAlone.code, 1);
    assert.match(waitAlone.output, /--wait goes with --trigger/);
  });

  it('`retrain` resolves a relative --data against the current directory and stores it absolute', async () => {
    const retrain = await runCli(
      ['retrain', '--model', 'telco-churn', '--data', basename(TELCO_CSV), '--every', '7d'],
      env,
      dirname(TELCO_CSV),
    );
    assert.equal(retrain.code, 0, retrain.output);
    assert.match(
      retrain.output,
      /retrain-telco-churn created: scheduledRetrain of \/.*telco-customer-churn\.csv every 7d/,
    );
    assert.deepEqual(await retrainInput(), expectedInput);
  });

  it('`retrain` and `monitor` refuse bad names and data before anything is created or changed', async () => {
    const refusals: [string[], RegExp][] = [
      [
        ['retrain', '--model', 'telco-churn', '--data', 'http://x'],
        /--data "http:\/\/x": http: URIs are not supported/,
      ],
      [['retrain', '--model', 'telco-churn', '--data', '/nonexistent.csv'], /--data \/nonexistent\.csv: no such file/],
      [['retrain', '--model', 'telco-churn', '--data', home], /not a regular file/],
      [['monitor', '--model', '../x'], /--model "\.\.\/x" is not a model name/],
      [['retrain', '--model', 'new/model', '--data', TELCO_CSV], /--model "new\/model" is not a model name/],
      [
        ['monitor', '--model', 'other', '--retrain-data', 'ftp://host/x.csv'],
        /--retrain-data "ftp:\/\/host\/x\.csv": ftp:/,
      ],
    ];
    for (const [args, message] of refusals) {
      const refused = await runCli(args, env);
      assert.equal(refused.code, 1, `${args.join(' ')}: ${refused.output}`);
      assert.match(refused.output, message);
    }
    assert.deepEqual(await retrainInput(), expectedInput, 'the existing schedule is unchanged');
    const scheduleIds: string[] = [];
    for await (const listed of schedules.list()) scheduleIds.push(listed.scheduleId);
    assert.deepEqual(
      scheduleIds.sort(),
      ['drift-monitor-telco-churn', 'retrain-telco-churn'],
      'no schedule was created',
    );
  });

  it('`retrain` and `monitor` overrides reach the scheduled input, options not given are left to the serving version, and a bad --seed is refused', async () => {
    const overridden = await runCli(
      [
        'retrain',
        '--model',
        'telco-churn',
        '--data',
        TELCO_CSV,
        '--target',
        'Churn',
        '--min-roc-auc',
        '0.7',
        '--no-deploy',
      ],
      env,
    );
    assert.equal(overridden.code, 0, overridden.output);
    assert.deepEqual(await retrainInput(), { ...expectedInput, target: 'Churn', minRocAuc: 0.7, deploy: false });
    const badSeed = await runCli(['retrain', '--model', 'telco-churn', '--data', TELCO_CSV, '--seed', 'x'], env);
    assert.match(badSeed.output, /--seed must be a number, got "x"/);
    await runCli(['monitor', '--model', 'telco-churn', '--every', '30m', '--min-new-labelled', '25'], env);
    const monitorAction = (await schedules.getHandle('drift-monitor-telco-churn').describe()).action;
    const monitorArgs = monitorAction.type === 'startWorkflow' ? (monitorAction.args ?? []) : [];
    assert.equal((monitorArgs[0] as { minNewLabelled?: number } | undefined)?.minNewLabelled, 25);
  });

  it('`retrain --trigger --wait` prints what the run did, exits 1 with the failure of a failed run, and --delete removes the schedule', async () => {
    const sampleData = join(home, 'data', 'telco-sample.csv');
    await runCli(['retrain', '--model', 'telco-churn', '--data', sampleData], env);
    const skipped = await runCli(['retrain', '--model', 'telco-churn', '--trigger', '--wait'], env);
    assert.equal(skipped.code, 0, skipped.output);
    assert.match(skipped.output, uiLink);
    assert.match(skipped.output, /^retrain: skipped$/m);
    assert.match(skipped.output, /^reason: data unchanged .*v1 was trained on/m);
    const unusable = join(home, 'no-target.csv');
    writeFileSync(unusable, 'a,b\n1,2\n3,4\n');
    await runCli(['retrain', '--model', 'telco-churn', '--data', unusable], env);
    // A failed retrain is its outcome, not a failed run (which would pause the schedule): exit 1 all the same.
    const failed = await runCli(['retrain', '--model', 'telco-churn', '--trigger', '--wait'], env);
    assert.equal(failed.code, 1, failed.output);
    assert.match(failed.output, /^retrain: failed$/m);
    assert.match(failed.output, /InvalidDataError: .*no-target\.csv is not usable for training/);
    await runCli(['retrain', '--model', 'telco-churn', '--delete'], env);
    await assert.rejects(schedules.getHandle('retrain-telco-churn').describe());
  });

  it('`train` from the data folder with a relative path deploys v2 and links the run on the custom UI port', async () => {
    const train = await runCli(
      ['train', '--data', basename(TELCO_CSV), '--model', 'telco-churn'],
      env,
      dirname(TELCO_CSV),
    );
    assert.equal(train.code, 0, train.output);
    assert.match(train.output, uiLink);
    assert.match(
      train.output,
      /validate:done train:done export:done register:done gate:done approval:skipped deploy:done — smoke test passed/,
    );
    assert.match(train.output, /"deployed": true/);
    assert.match(train.output, /"version": 2/);
  });

  it('`train --no-deploy` registers without rolling out, the promotion gate and algorithm reach the workflow, and bad options or data are refused', async () => {
    const registered = await runCli(
      ['train', '--data', TELCO_CSV, '--no-deploy', '--min-roc-auc', '0.7', '--algorithm', 'logistic'],
      env,
    );
    assert.equal(registered.code, 0, registered.output);
    assert.match(registered.output, /"version": 3/);
    assert.match(registered.output, /"deployed": false/);
    const servedModel = ((await (await predictSample()).json()) as { model: { version: number } }).model;
    assert.equal(servedModel.version, 2, 'v2 still serves');
    const gated = await runCli(['train', '--data', TELCO_CSV, '--min-roc-auc', '0.99'], env);
    assert.equal(gated.code, 0, gated.output);
    assert.match(gated.output, /"version": 4/);
    assert.match(gated.output, /"deployed": false/);
    assert.match(gated.output, /0\.99/, 'the reason names the gate');
    for (const [args, message] of [
      [['--algorithm', 'svm'], /--algorithm must be "logistic", "gbdt" or "auto", got "svm"/],
      [['--min-roc-auc', '2'], /--min-roc-auc must be a number from 0 to 1, got "2"/],
    ] as const) {
      const refused = await runCli(['train', '--data', TELCO_CSV, ...args], env);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, message);
    }
    const badData = await runCli(['train', '--data', join(home, 'missing.csv')], env);
    assert.equal(badData.code, 1);
    assert.match(badData.output, /--data \/.*missing\.csv: no such file/);
  });

  it('Ctrl-C stops `dev` and everything it started, still printing only its own lines', async () => {
    assert.equal(await interrupt(dev), 0, dev.output());
    assert.match(dev.output(), /mlcycle \| stopped/);
    assertQuietConsole(dev.output());
  });

  it('`dev` started again finds the serving version, keeps the schedule interval the user set and the first run in history', async () => {
    const again = startCli(['dev'], env);
    started.push(again);
    await again.waitFor('serving until Ctrl-C');
    assert.match(again.output(), /telco-churn v1 was trained on this sample by telco-churn-sample-\w+; v2 serves now/);
    assertQuietConsole(again.output());
    assert.match(again.output(), /drift-monitor-telco-churn already exists/);
    const reconnected = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const client = new Client({ connection: reconnected });
      const kept = await client.schedule.getHandle('drift-monitor-telco-churn').describe();
      assert.equal(kept.spec.intervals?.[0]?.every, 30 * 60_000, 'a restart keeps the interval the user set');
      const description = await client.workflow.getHandle(firstRunId).describe();
      assert.equal(description.status.name, 'COMPLETED', 'the first run is still in Temporal history');
    } finally {
      await reconnected.close();
    }
    assert.equal((await fetch(`${scoring}/health/ready`)).status, 200);
    assert.equal(await interrupt(again), 0, again.output());
  });
});
