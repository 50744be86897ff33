import { Client, Connection } from '@temporalio/client';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
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

function startCli(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
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

async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const running = startCli(args, env);
  const [code] = (await once(running.child, 'exit')) as [number | null];
  return { code, output: running.output() };
}

async function interrupt(running: Running): Promise<number | null> {
  running.child.kill('SIGINT');
  const [code] = (await once(running.child, 'exit')) as [number | null];
  return code;
}

describe('the mlcycle CLI as a user runs it', () => {
  const home = tempHome('cli');
  const started: Running[] = [];
  after(() => {
    for (const running of started) if (running.child.exitCode === null) running.child.kill('SIGKILL');
  });

  it('`dev` starts the stack, trains and serves the sample model, `train` runs a lifecycle, Ctrl-C stops all, and a restart finds both again', async () => {
    const ports = { temporal: await freePort(), ui: await freePort(), scoring: await freePort() };
    const env = {
      MLCYCLE_HOME: home,
      MLCYCLE_PORT: String(ports.scoring),
      MLCYCLE_TEMPORAL_PORT: String(ports.temporal),
      MLCYCLE_UI_PORT: String(ports.ui),
      TEMPORAL_ADDRESS: '',
      // The worker reads data only from the data home and these folders: the Telco CSV's.
      MLCYCLE_DATA_ROOTS: dirname(TELCO_CSV),
    };
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

    const scoring = `http://127.0.0.1:${ports.scoring}`;
    assert.equal((await fetch(`${scoring}/health/ready`)).status, 200);
    const predicted = await fetch(`${scoring}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: readFileSync(join(home, 'data', 'sample-request.json')),
    });
    assert.equal(predicted.status, 200);

    // Live traffic like the training data, then the schedule triggered from the CLI: no drift, and a
    // report appears for `drift report`.
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
    const clusterEnv = { ...env, TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}` };
    const trigger = await runCli(['monitor', '--model', 'telco-churn', '--trigger'], clusterEnv);
    assert.equal(trigger.code, 0, trigger.output);
    let report = { code: 1 as number | null, output: '' };
    for (let attempt = 0; attempt < 60 && report.code !== 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      report = await runCli(['drift', 'report', '--model', 'telco-churn'], env);
    }
    assert.equal(report.code, 0, report.output);
    assert.match(report.output, /telco-churn: .*monitoring\/reports\/telco-churn\/.*\.html/);

    // Schedule management from the CLI, checked against what Temporal itself reports.
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    const schedules = new Client({ connection }).schedule;
    const updated = await runCli(
      ['monitor', '--model', 'telco-churn', '--every', '30m', '--cooldown', '2h'],
      clusterEnv,
    );
    assert.match(updated.output, /drift-monitor-telco-churn updated: driftMonitor every 30m/);
    const monitorSchedule = await schedules.getHandle('drift-monitor-telco-churn').describe();
    assert.equal(monitorSchedule.spec.intervals?.[0]?.every, 30 * 60_000);
    await runCli(['monitor', '--model', 'telco-churn', '--pause'], clusterEnv);
    assert.equal((await schedules.getHandle('drift-monitor-telco-churn').describe()).state.paused, true);
    await runCli(['monitor', '--model', 'telco-churn', '--resume'], clusterEnv);
    assert.equal((await schedules.getHandle('drift-monitor-telco-churn').describe()).state.paused, false);
    const badFlags = await runCli(['monitor', '--model', 'telco-churn', '--pause', '--delete'], clusterEnv);
    assert.equal(badFlags.code, 1);
    assert.match(badFlags.output, /choose one of --pause, --delete/);
    const retrain = await runCli(
      ['retrain', '--model', 'telco-churn', '--data', TELCO_CSV, '--every', '7d'],
      clusterEnv,
    );
    assert.match(
      retrain.output,
      /retrain-telco-churn created: scheduledRetrain of .*telco-customer-churn\.csv every 7d/,
    );
    await runCli(['retrain', '--model', 'telco-churn', '--delete'], clusterEnv);
    await assert.rejects(schedules.getHandle('retrain-telco-churn').describe());
    await connection.close();

    const train = await runCli(['train', '--data', TELCO_CSV, '--model', 'telco-churn'], {
      ...env,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      TEMPORAL_UI_URL: `http://localhost:${ports.ui}`,
    });
    assert.equal(train.code, 0, train.output);
    assert.match(train.output, /validate:done train:done export:done register:done deploy:done — smoke test passed/);
    assert.match(train.output, /"deployed": true/);
    assert.match(train.output, /"version": 2/);

    const badData = await runCli(['train', '--data', join(home, 'missing.csv')], {
      ...env,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    });
    assert.equal(badData.code, 1);
    assert.match(badData.output, /DataAccessError/);
    assert.match(badData.output, /missing\.csv.*no such file/);

    assert.equal(await interrupt(dev), 0, dev.output());
    assert.match(dev.output(), /mlcycle \| stopped/);

    const again = startCli(['dev'], env);
    started.push(again);
    await again.waitFor('serving until Ctrl-C');
    assert.match(again.output(), /telco-churn v1 was trained on this sample by telco-churn-sample-\w+; v2 serves now/);
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
