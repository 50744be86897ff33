import { Client, Connection } from '@temporalio/client';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import Papa from 'papaparse';
import { TELCO_CSV, tempHome } from '../helpers/paths';

const BIN = resolve(__dirname, '..', '..', 'bin', 'mlcycle.cjs');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  waitFor: (text: string, timeoutMs?: number) => Promise<void>;
}

function startCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    waitFor: (text, timeoutMs = 120_000) =>
      new Promise((resolvePromise, reject) => {
        const started = Date.now();
        const check = (): void => {
          if (output.includes(text)) return resolvePromise();
          if (child.exitCode !== null)
            return reject(new Error(`exited ${child.exitCode} before "${text}":\n${output}`));
          if (Date.now() - started > timeoutMs)
            return reject(new Error(`no "${text}" after ${timeoutMs} ms:\n${output}`));
          setTimeout(check, 100);
        };
        check();
      }),
  };
}

async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<{ code: number | null; output: string }> {
  const running = startCli(args, env, cwd);
  const [code] = (await once(running.child, 'exit')) as [number | null];
  return { code, output: running.output() };
}

async function interrupt(running: Running): Promise<number | null> {
  running.child.kill('SIGINT');
  const [code] = (await once(running.child, 'exit')) as [number | null];
  return code;
}

/** Every console line of `dev` is one of its own `mlcycle | …` lines: no banner, no log lines. */
function assertQuietConsole(output: string): void {
  const foreign = output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('mlcycle | '));
  assert.deepEqual(foreign, [], `only mlcycle's own lines on the console:\n${output}`);
}

describe('the mlcycle CLI as a user runs it', () => {
  const home = tempHome('cli');
  const started: Running[] = [];
  // A test that failed half-way still stops its stack the way a user would (Ctrl-C), so `dev` stops the
  // dev server it started; SIGKILL only if that hangs.
  after(async () => {
    for (const running of started) {
      if (running.child.exitCode !== null) continue;
      const exited = once(running.child, 'exit');
      running.child.kill('SIGINT');
      const timer = setTimeout(() => running.child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
  });

  it('`dev` starts the stack quietly, trains and serves the sample model; every command run with the same custom ports reaches it; Ctrl-C stops all, and a restart finds both again', async () => {
    const ports = { temporal: await freePort(), ui: await freePort(), scoring: await freePort() };
    // The environment `npm start` gets, custom ports and no TEMPORAL_ADDRESS: every other command
    // below runs with exactly this and must reach the same stack.
    const env = {
      MLCYCLE_HOME: home,
      MLCYCLE_PORT: String(ports.scoring),
      MLCYCLE_TEMPORAL_PORT: String(ports.temporal),
      MLCYCLE_UI_PORT: String(ports.ui),
      TEMPORAL_ADDRESS: '',
      TEMPORAL_UI_URL: '',
      // The worker reads data only from the data home and these folders: the Telco CSV's.
      MLCYCLE_DATA_ROOTS: dirname(TELCO_CSV),
    };
    const uiLink = new RegExp(`http://localhost:${ports.ui}/namespaces/default/workflows/`);
    const dev = startCli(['dev'], env);
    started.push(dev);
    await dev.waitFor('serving until Ctrl-C');
    assert.match(dev.output(), /telco-churn v1 deployed: smoke test passed/);
    assert.match(dev.output(), /drift monitor schedule drift-monitor-telco-churn created \(every 1h/);
    const link = dev
      .output()
      .match(/http:\/\/localhost:(\d+)\/namespaces\/default\/workflows\/(telco-churn-sample-\w+)\//);
    assert.equal(link?.[1], String(ports.ui));
    const ui = await fetch(`http://localhost:${ports.ui}/`);
    assert.equal(ui.status, 200, 'the Web UI answers');

    // The console carries the README's lines only: no Temporal banner, no worker log lines; those are
    // in the log files under the data home, whose folder the first line names.
    assertQuietConsole(dev.output());
    assert.match(dev.output(), /^mlcycle \| data home .*; logs of the worker and the dev server in .*logs\/$/m);
    const logs = {
      worker: join(home, 'logs', 'mlcycle.log'),
      devServer: join(home, 'logs', 'temporal-dev-server.log'),
    };
    assert.match(readFileSync(logs.devServer, 'utf8'), /Temporal Server: +localhost:\d+/, 'the banner went to the log');
    assert.match(readFileSync(logs.worker, 'utf8'), /INFO +model deployed/, 'activity logs went to the log');

    // The sample request names its model, so it keeps working when several models serve.
    const scoring = `http://127.0.0.1:${ports.scoring}`;
    assert.equal((await fetch(`${scoring}/health/ready`)).status, 200);
    const requestPath = join(home, 'data', 'sample-request.json');
    assert.match(dev.output(), new RegExp(`-d @\\S*${basename(requestPath)}`));
    const sampleRequest = JSON.parse(readFileSync(requestPath, 'utf8')) as { model?: string };
    assert.equal(sampleRequest.model, 'telco-churn');
    const predicted = await fetch(`${scoring}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: readFileSync(requestPath),
    });
    assert.equal(predicted.status, 200);

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
    await new Promise((resolve) => setTimeout(resolve, 500)); // the prediction log writes every 200 ms
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

    // Schedule management from the CLI, checked against what Temporal itself reports.
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    const schedules = new Client({ connection }).schedule;
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

    // A relative --data is resolved against the current directory and stored absolute.
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
    const retrainInput = async (): Promise<unknown> => {
      const { action } = await schedules.getHandle('retrain-telco-churn').describe();
      return action.type === 'startWorkflow' ? action.args?.[0] : undefined;
    };
    const expectedInput = { modelName: 'telco-churn', dataUri: resolve(TELCO_CSV) };
    assert.deepEqual(await retrainInput(), expectedInput);

    // Bad names and data are refused before anything is created or changed.
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

    // Overrides reach the scheduled input; options not given are left to the serving version.
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

    // retrain --trigger --wait prints what the run did; a failed run exits 1 with its failure.
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
    await connection.close();

    // train, from the data's folder with a relative path, with the same environment: link on the custom UI port.
    const train = await runCli(
      ['train', '--data', basename(TELCO_CSV), '--model', 'telco-churn'],
      env,
      dirname(TELCO_CSV),
    );
    assert.equal(train.code, 0, train.output);
    assert.match(train.output, uiLink);
    assert.match(train.output, /validate:done train:done export:done register:done deploy:done — smoke test passed/);
    assert.match(train.output, /"deployed": true/);
    assert.match(train.output, /"version": 2/);

    // --no-deploy registers without rolling out; the promotion gate and algorithm reach the workflow.
    const registered = await runCli(
      ['train', '--data', TELCO_CSV, '--no-deploy', '--min-roc-auc', '0.7', '--algorithm', 'logistic'],
      env,
    );
    assert.equal(registered.code, 0, registered.output);
    assert.match(registered.output, /"version": 3/);
    assert.match(registered.output, /"deployed": false/);
    const servedModel = (
      (await await fetch(`${scoring}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: readFileSync(requestPath),
      }).then((r) => r.json())) as { model: { version: number } }
    ).model;
    assert.equal(servedModel.version, 2, 'v2 still serves');
    const gated = await runCli(['train', '--data', TELCO_CSV, '--min-roc-auc', '0.99'], env);
    assert.equal(gated.code, 0, gated.output);
    assert.match(gated.output, /"version": 4/);
    assert.match(gated.output, /"deployed": false/);
    assert.match(gated.output, /0\.99/, 'the reason names the gate');
    for (const [args, message] of [
      [['--algorithm', 'gbdt'], /--algorithm must be "logistic" or "auto", got "gbdt"/],
      [['--min-roc-auc', '2'], /--min-roc-auc must be a number from 0 to 1, got "2"/],
    ] as const) {
      const refused = await runCli(['train', '--data', TELCO_CSV, ...args], env);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, message);
    }

    const badData = await runCli(['train', '--data', join(home, 'missing.csv')], env);
    assert.equal(badData.code, 1);
    assert.match(badData.output, /--data \/.*missing\.csv: no such file/);

    assert.equal(await interrupt(dev), 0, dev.output());
    assert.match(dev.output(), /mlcycle \| stopped/);
    assertQuietConsole(dev.output());

    const again = startCli(['dev'], env);
    started.push(again);
    await again.waitFor('serving until Ctrl-C');
    assert.match(again.output(), /telco-churn v1 was trained on this sample by telco-churn-sample-\w+; v2 serves now/);
    assertQuietConsole(again.output());
    assert.match(again.output(), /drift-monitor-telco-churn already exists/);
    const reconnected = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    const kept = await new Client({ connection: reconnected }).schedule
      .getHandle('drift-monitor-telco-churn')
      .describe();
    assert.equal(kept.spec.intervals?.[0]?.every, 30 * 60_000, 'a restart keeps the interval the user set');
    const description = await new Client({ connection: reconnected }).workflow.getHandle(link?.[2] ?? '').describe();
    assert.equal(description.status.name, 'COMPLETED', 'the first run is still in Temporal history');
    await reconnected.close();
    assert.equal((await fetch(`${scoring}/health/ready`)).status, 200);
    assert.equal(await interrupt(again), 0, again.output());
  });
});
