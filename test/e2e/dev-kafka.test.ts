import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Papa from 'papaparse';
import type { StreamResultMessage } from '../../contracts/stream-messages';
import { freePort } from '../helpers/free-port';
import { consumeRecords, stopBroker, testBrokerDataDir } from '../helpers/kafka';
import { TELCO_CSV, tempHome } from '../helpers/paths';
import { waitFor } from '../helpers/wait-for';

const BIN = resolve(__dirname, '..', '..', 'bin', 'mlcycle.cjs');

interface Running {
  child: ChildProcess;
  output: () => string;
}

function startCli(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const running = startCli(args, env);
  const [code] = (await once(running.child, 'exit')) as [number | null];
  return { code, output: running.output() };
}

describe('mlcycle dev --kafka', () => {
  const home = tempHome('dev-kafka');
  let env: NodeJS.ProcessEnv;
  let dev: Running;
  let brokers: string[];
  let scoring: string;
  const kafkaData = testBrokerDataDir();

  before(async () => {
    const [temporal, ui, scoringPort, kafka, controller] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    env = {
      MLCYCLE_HOME: home,
      MLCYCLE_PORT: String(scoringPort),
      MLCYCLE_TEMPORAL_PORT: String(temporal),
      MLCYCLE_UI_PORT: String(ui),
      MLCYCLE_KAFKA_PORT: String(kafka),
      MLCYCLE_KAFKA_CONTROLLER_PORT: String(controller),
      MLCYCLE_KAFKA_DATA: kafkaData,
      TEMPORAL_ADDRESS: '',
      TEMPORAL_UI_URL: '',
      MLCYCLE_DATA_ROOTS: dirname(TELCO_CSV),
      MLCYCLE_LOG_FORMAT: 'text',
    };
    brokers = [`127.0.0.1:${kafka}`];
    scoring = `http://127.0.0.1:${scoringPort}`;
    dev = startCli(['dev', '--kafka'], env);
    await waitFor(
      () => {
        if (dev.child.exitCode !== null) throw new Error(`dev exited ${dev.child.exitCode}:\n${dev.output()}`);
        return dev.output().includes('serving until Ctrl-C');
      },
      { timeoutMs: 300_000, intervalMs: 100, what: () => `"serving until Ctrl-C" in the output:\n${dev.output()}` },
    );
  });

  // A step that failed half-way still stops dev as a user would, and then any broker it left running.
  after(async () => {
    if (dev && dev.child.exitCode === null) {
      const exited = once(dev.child, 'exit');
      dev.child.kill('SIGINT');
      const timer = setTimeout(() => dev.child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    }
    if (env) await stopBroker(env);
  });

  it('starts the broker, the three topics, a streamScore run and the sample stream, and says how to watch them', () => {
    const output = dev.output();
    assert.match(output, new RegExp(`Kafka broker ${brokers[0]} \\(KRaft, one node\\)`));
    assert.match(output, /topics churn-requests, churn-scores, churn-requests\.dlq\n/);
    assert.match(output, /streamScore stream-score-telco-churn-churn-requests: http:\/\/localhost:\d+\/namespaces\//);
    assert.match(output, /sample stream: 5 rows\/s from \S*telco-sample\.csv to churn-requests/);
    assert.match(output, /progress: npx mlcycle stream --model telco-churn --in churn-requests --status/);
    assert.match(output, /scores: MLCYCLE_KAFKA_PORT=\d+ \S*scripts\/kafka\.sh consume churn-scores/);
  });

  it('scores the sample rows into churn-scores as /predict scores the same rows', async () => {
    const results = (await consumeRecords(brokers, 'churn-scores', 10, { timeoutMs: 60_000 })).map(
      (record) => JSON.parse(record.value) as StreamResultMessage,
    );
    const rows = new Map(
      Papa.parse<Record<string, string>>(readFileSync(join(home, 'data', 'telco-sample.csv'), 'utf8'), {
        header: true,
        skipEmptyLines: true,
      }).data.map(({ Churn: _label, ...row }) => [row.customerID, row]),
    );
    const answer = await fetch(`${scoring}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'telco-churn', records: results.map((result) => rows.get(result.key ?? '')) }),
    });
    assert.equal(answer.status, 200);
    const { model, predictions } = (await answer.json()) as {
      model: { version: number };
      predictions: { probability: number; label: number }[];
    };
    results.forEach((result, i) => {
      assert.equal(result.source.topic, 'churn-requests');
      assert.deepEqual(result.model, { name: 'telco-churn', version: model.version });
      assert.ok(Math.abs(result.probability - (predictions[i]?.probability ?? NaN)) <= 1e-6, `record ${result.key}`);
      assert.equal(result.label, predictions[i]?.label);
    });
  });

  it('`mlcycle stream --status` finds the run that dev started', async () => {
    const status = await runCli(['stream', '--model', 'telco-churn', '--in', 'churn-requests', '--status'], env);
    assert.equal(status.code, 0, status.output);
    assert.match(status.output, /telco-churn v1: [1-9]\d* records scored/);
  });

  it('Ctrl-C stops the stream with its counts, then the broker', async () => {
    const exited = once(dev.child, 'exit');
    dev.child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, dev.output());
    const output = dev.output();
    assert.match(
      output,
      /streamScore stream-score-telco-churn-churn-requests stopped: [1-9]\d* records scored, 0 rejected/,
    );
    assert.match(output, /Kafka broker stopped/);
    assert.ok(
      output.indexOf('records scored, 0 rejected') < output.indexOf('Kafka broker stopped'),
      'the stream stopped before the broker',
    );
    assert.equal(existsSync(join(kafkaData, 'kafka.pid')), false, 'the pid file is gone');
  });
});
