import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findTemporalCli } from '../../scripts/temporal-dev-server';
import { fileSink } from '../../core/logging/logger';
import { installRuntime } from '../../workers/runtime';
import { tempHome } from '../helpers/paths';
import { waitFor } from '../helpers/wait-for';

describe("the worker's runtime under mlcycle dev", () => {
  it("writes the SDK core's own warnings to the log file, not to the terminal", async () => {
    const logFile = join(tempHome('runtime'), 'logs', 'mlcycle.log');
    // Installed before any connection, as `mlcycle dev` does; the test helpers' quiet runtime is not used here.
    installRuntime(fileSink(logFile));
    const cli = findTemporalCli();
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: cli ? { type: 'existing-path', path: cli.path } : { type: 'cached-download' },
        ip: '127.0.0.1',
      },
    });
    // A connection of its own, closed last: the environment's teardown stops the server under it.
    const connection = await NativeConnection.connect({ address: env.address });
    const worker = await Worker.create({
      connection,
      taskQueue: `runtime-${process.pid}`,
      activities: { noop: () => Promise.resolve() },
    });
    const running = worker.run();
    // The file holds JSON lines, one per log entry.
    const entries = (): { level: number; msg: string; state?: string; target?: string }[] =>
      existsSync(logFile)
        ? readFileSync(logFile, 'utf8')
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line) as { level: number; msg: string; state?: string; target?: string })
        : [];
    await waitFor(() => entries().some((entry) => entry.state === 'RUNNING'), {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'the worker runs',
    });
    // The server going away makes the core warn about its polls (what Ctrl-C and the Web UI used to print).
    await env.teardown();
    const coreWarning = () =>
      entries().some((entry) => entry.level === 40 && String(entry.target ?? '').startsWith('temporalio_client'));
    await waitFor(coreWarning, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: () => `a core warning in the log file:\n${readFileSync(logFile, 'utf8')}`,
    });
    worker.shutdown();
    await running.catch(() => undefined);
    await connection.close();
  });
});
