import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { MlcycleConfig } from '../core/config';

export async function connectClient(config: MlcycleConfig): Promise<Client> {
  const connection = await Connection.connect({ address: config.dialAddress }).catch((err: Error) => {
    throw unreachable(config, err);
  });
  return new Client({ connection, namespace: config.namespace });
}

export async function connectWorkerConnection(config: MlcycleConfig): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.dialAddress }).catch((err: Error) => {
    throw unreachable(config, err);
  });
}

function unreachable(config: MlcycleConfig, err: Error): Error {
  const how = config.temporalAddress
    ? 'check TEMPORAL_ADDRESS'
    : 'start it with "npx mlcycle dev" (with the same MLCYCLE_TEMPORAL_PORT) or set TEMPORAL_ADDRESS';
  return new Error(`cannot reach Temporal at ${config.dialAddress} (${err.message}); ${how}`);
}
