import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { DEFAULT_TEMPORAL_ADDRESS, type MlcycleConfig } from '../shared/config';

export async function connectClient(config: MlcycleConfig): Promise<Client> {
  const address = config.temporalAddress ?? DEFAULT_TEMPORAL_ADDRESS;
  const connection = await Connection.connect({ address }).catch((err: Error) => {
    throw new Error(
      `cannot reach Temporal at ${address} (${err.message}); start it with "npx mlcycle dev" or set TEMPORAL_ADDRESS`,
    );
  });
  return new Client({ connection, namespace: config.namespace });
}

export async function connectWorkerConnection(config: MlcycleConfig): Promise<NativeConnection> {
  const address = config.temporalAddress ?? DEFAULT_TEMPORAL_ADDRESS;
  return NativeConnection.connect({ address }).catch((err: Error) => {
    throw new Error(
      `cannot reach Temporal at ${address} (${err.message}); start it with "npx mlcycle dev" or set TEMPORAL_ADDRESS`,
    );
  });
}
