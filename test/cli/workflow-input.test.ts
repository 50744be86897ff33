import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { lifecycleInput, type TrainCommandOptions } from '../../cli/commands/train';
import { checkWorkflowInput } from '../../cli/check-input';
import { DriftMonitorInputSchema, ScheduledRetrainInputSchema } from '../../contracts';
import { tempHome } from '../helpers/paths';

const BIN = resolve(__dirname, '..', '..', 'bin', 'mlcycle.cjs');

describe('CLI commands check the workflow input against its schema before anything starts', () => {
  const dir = tempHome('workflow-input');
  const csv = join(dir, 'data.csv');
  writeFileSync(csv, 'a,y\n1,0\n2,1\n');
  const train = (extra: Partial<TrainCommandOptions>): TrainCommandOptions => ({
    data: csv,
    model: 'churn',
    deploy: true,
    ...extra,
  });

  it('refuses a negative --min-rows-per-class, naming the flag and the field', () => {
    assert.throws(
      () => lifecycleInput(train({ minRowsPerClass: '-1' })),
      /the mlLifecycle input is invalid, nothing was started:\n {2}--min-rows-per-class \(minRowsPerClass\) must be >= 1; got -1/,
    );
  });

  it('refuses a fractional --seed, naming the flag', () => {
    assert.throws(() => lifecycleInput(train({ seed: '1.5' })), /--seed must be an integer/);
  });

  it('passes a good input through unchanged, with the positive label as given', () => {
    const input = lifecycleInput(train({ positiveLabel: '1', target: 'y', minRowsPerClass: '1', deploy: false }));
    assert.deepEqual(input, {
      modelName: 'churn',
      dataUri: csv,
      target: 'y',
      positiveLabel: '1',
      minRowsPerClass: 1,
      deploy: false,
    });
  });

  it('refuses a scheduledRetrain input with "false" for deploy and an object id column, naming both', () => {
    const input = { modelName: 'churn', dataUri: csv, deploy: 'false', idColumn: {} };
    assert.throws(
      () => checkWorkflowInput('scheduledRetrain', ScheduledRetrainInputSchema, input, { deploy: '--no-deploy' }),
      (err: unknown) =>
        err instanceof Error &&
        /--no-deploy \(deploy\) must be boolean; got "false"/.test(err.message) &&
        /idColumn must be string; got \{\}/.test(err.message),
    );
  });

  it('refuses a driftMonitor input with minRows 0, naming --min-rows', () => {
    assert.throws(
      () =>
        checkWorkflowInput(
          'driftMonitor',
          DriftMonitorInputSchema,
          { modelName: 'churn', minRows: 0 },
          { minRows: '--min-rows' },
        ),
      /--min-rows \(minRows\) must be >= 1; got 0/,
    );
  });

  it('exits 1 from `mlcycle train` with the field named, without dialling Temporal', async () => {
    // Port 1 has no Temporal server: a command that got as far as connecting would print a connection error.
    const child = spawn(process.execPath, [BIN, 'train', '--data', csv, '--min-rows-per-class', '-1'], {
      // Text lines, as on a terminal (piped output would be JSON lines).
      env: { ...process.env, MLCYCLE_HOME: dir, MLCYCLE_TEMPORAL_PORT: '1', MLCYCLE_LOG_FORMAT: 'text' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 1, output);
    assert.match(output, /mlcycle: the mlLifecycle input is invalid, nothing was started:/);
    assert.match(output, /--min-rows-per-class \(minRowsPerClass\) must be >= 1; got -1/);
    assert.doesNotMatch(output, /connect|ECONNREFUSED/i);
  });
});
