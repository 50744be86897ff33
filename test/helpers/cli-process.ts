import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { waitFor } from './wait-for';

export const BIN = resolve(__dirname, '..', '..', 'bin', 'mlcycle.cjs');

export interface RunningCli {
  child: ChildProcess;
  /** Its exit code once it has exited and its output has been read to the end. */
  closed: Promise<number | null>;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output: () => string;
  waitFor: (text: string, timeoutMs?: number) => Promise<void>;
}

/** `mlcycle ARGS` as a user runs it, in its own process, with `env` over this process's environment. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): RunningCli {
  return watch(spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd }));
}

/**
 * `mlcycle ARGS` on a pseudo-terminal (util-linux `script`), so it sees a TTY on stdout as in a
 * terminal; the arguments must need no shell quoting.
 */
export function startCliOnTerminal(args: string[], env: NodeJS.ProcessEnv, cwd?: string): RunningCli {
  const command = [process.execPath, BIN, ...args].join(' ');
  return watch(
    spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], {
      env: { ...process.env, COLUMNS: '120', ...env },
      cwd,
    }),
  );
}

export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<{ code: number | null; output: string }> {
  return finished(startCli(args, env, cwd));
}

export async function finished(running: RunningCli): Promise<{ code: number | null; output: string }> {
  return { code: await running.closed, output: running.output() };
}

function watch(child: ChildProcess): RunningCli {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const closed = once(child, 'close').then(([code]) => code as number | null);
  return {
    child,
    closed,
    output: () => output,
    waitFor: (text, timeoutMs = 120_000) =>
      waitFor(
        () => {
          if (output.includes(text)) return true;
          if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before "${text}":\n${output}`);
          return false;
        },
        { timeoutMs, intervalMs: 100, what: () => `"${text}" in the output:\n${output}` },
      ),
  };
}
