import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../core/build-info';

const run = promisify(execFile);

/** The project's broker script; the same one tests and CI use. */
export const KAFKA_SCRIPT = join(packageRoot(__dirname), 'scripts', 'kafka.sh');

/**
 * The single-node Kafka broker of `scripts/kafka.sh`, as `mlcycle dev --kafka` runs it: address and
 * data dir from the script's own variables (MLCYCLE_KAFKA_HOST, MLCYCLE_KAFKA_PORT, MLCYCLE_KAFKA_DATA,
 * else `<home>/kafka`).
 */
export interface LocalBroker {
  address: string;
  dataDir: string;
  /** Whether the broker already ran (started by hand, or by another `dev`). */
  running(): Promise<boolean>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function localBroker(home: string, env: NodeJS.ProcessEnv = process.env): LocalBroker {
  const address = `${env.MLCYCLE_KAFKA_HOST || '127.0.0.1'}:${env.MLCYCLE_KAFKA_PORT || '9092'}`;
  const dataDir = env.MLCYCLE_KAFKA_DATA || join(home, 'kafka');
  const scriptEnv = { ...env, MLCYCLE_KAFKA_DATA: dataDir };
  const script = async (command: 'start' | 'stop' | 'status'): Promise<void> => {
    try {
      // The first start resolves the broker's jars with Maven: a minute or more on a cold cache.
      await run('bash', [KAFKA_SCRIPT, command], { env: scriptEnv, timeout: 900_000 });
    } catch (err) {
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      throw new Error(`scripts/kafka.sh ${command}: ${stderr.trim() || stdout.trim() || String(err)}`);
    }
  };
  return {
    address,
    dataDir,
    running: () =>
      script('status').then(
        () => true,
        () => false,
      ),
    start: () => script('start'),
    stop: () => script('stop'),
  };
}
