import { fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where bin/mlcycle.cjs is, from cli/ in the sources or dist/cli/ in the build. */
const BIN = join(__dirname, ...(__filename.endsWith('.ts') ? ['..'] : ['..', '..']), 'bin', 'mlcycle.cjs');
const STOP_GRACE_MS = 15_000;

export interface ScoringProcess {
  url: string;
  /** Resolves when the server's process ends, with its exit code (or signal). */
  exited: Promise<string>;
  /** Asks the server to stop (SIGTERM: it finishes requests and writes its prediction log) and waits. */
  stop(): Promise<void>;
}

/**
 * `mlcycle serve` in a process of its own, as `dev` runs it: the worker's activities (training, batch
 * scoring, drift checks) then never hold the event loop the requests wait on. Its log lines go to
 * `logFile` as JSON, like the worker's; it tells this process its address over the IPC channel.
 */
export async function startScoringProcess(logFile: string): Promise<ScoringProcess> {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = (() => {
    try {
      return fork(BIN, ['serve'], {
        env: { ...process.env, MLCYCLE_LOG_FORMAT: 'json' },
        stdio: ['ignore', fd, fd, 'ipc'],
      });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
  })();
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { kind?: string; url?: string }) => {
      if (message.kind === 'listening' && typeof message.url === 'string') resolve(message.url);
      else reject(new Error(`the scoring server sent ${JSON.stringify(message)} instead of its address`));
    });
    void exited.then((how) => reject(new Error(`the scoring server exited (${how}) before listening; see ${logFile}`)));
  });
  return {
    url,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
