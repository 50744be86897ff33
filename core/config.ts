import { delimiter, resolve } from 'node:path';

/** Settings read from the environment (listed under "Environment" in the README); only entry points (CLI, worker, server) call this. */
export interface MlcycleConfig {
  home: string;
  /** Undefined when no cluster is given: `mlcycle dev` then starts a local dev server. */
  temporalAddress: string | undefined;
  /** Where clients and workers dial: TEMPORAL_ADDRESS, else the dev server `mlcycle dev` starts on this host. */
  dialAddress: string;
  /** Base of the Web UI links printed for runs: TEMPORAL_UI_URL, else the dev server's UI. */
  uiBaseUrl: string;
  namespace: string;
  taskQueue: string;
  host: string;
  port: number;
  /** Where the deploy step reaches the scoring server's admin and predict routes. */
  scoringUrl: string;
  defaultModel: string | undefined;
  /** Shared secret of the scoring servers' admin routes and the deploy step; none: admin routes are open. */
  adminToken: string | undefined;
  /** Ports of the dev server `mlcycle dev` starts (gRPC and Web UI). */
  devServerPort: number;
  devUiPort: number;
  /** The only folders whose files a worker's activities open as data: the data home and MLCYCLE_DATA_ROOTS. */
  dataRoots: string[];
}

export const DEFAULT_TASK_QUEUE = 'mlcycle';
export const DEFAULT_UI_PORT = 8233;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): MlcycleConfig {
  const host = env.MLCYCLE_HOST ?? '127.0.0.1';
  const port = parsePort(env.MLCYCLE_PORT ?? '8080', 'MLCYCLE_PORT');
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  // Every command run with the environment `npm start` got reaches the stack it started, custom ports included.
  const devServerPort = parsePort(env.MLCYCLE_TEMPORAL_PORT ?? '7233', 'MLCYCLE_TEMPORAL_PORT');
  const devUiPort = parsePort(env.MLCYCLE_UI_PORT ?? String(DEFAULT_UI_PORT), 'MLCYCLE_UI_PORT');
  const temporalAddress = env.TEMPORAL_ADDRESS || undefined;
  const home = resolve(env.MLCYCLE_HOME ?? '.mlcycle');
  return {
    home,
    temporalAddress,
    dialAddress: temporalAddress ?? `127.0.0.1:${devServerPort}`,
    uiBaseUrl: (env.TEMPORAL_UI_URL || `http://localhost:${devUiPort}`).replace(/\/+$/, ''),
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.MLCYCLE_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    host,
    port,
    scoringUrl: env.MLCYCLE_SCORING_URL || `http://${urlHost}:${port}`,
    defaultModel: env.MLCYCLE_MODEL || undefined,
    adminToken: env.MLCYCLE_ADMIN_TOKEN || undefined,
    devServerPort,
    devUiPort,
    // The data home always counts: drift-triggered retrains train on files the worker writes there.
    dataRoots: [home, ...parseDataRoots(env.MLCYCLE_DATA_ROOTS, [process.cwd()])],
  };
}

/** A path-delimiter-separated list (':' on POSIX), each resolved to an absolute folder; empty: the defaults. */
function parseDataRoots(value: string | undefined, defaults: string[]): string[] {
  const roots = (value ?? '')
    .split(delimiter)
    .map((root) => root.trim())
    .filter((root) => root !== '')
    .map((root) => resolve(root));
  return roots.length > 0 ? roots : defaults;
}

function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got "${value}"`);
  }
  return port;
}
