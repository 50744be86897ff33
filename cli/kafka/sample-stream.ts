import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import { readCsvTable } from '../../data/csv-reader';

export interface SampleStreamOptions {
  brokers: string[];
  topic: string;
  /** Telco-shaped CSV whose rows are sent in turn, round and round. */
  csvPath: string;
  ratePerSecond: number;
  /** Told once when sending fails (broker gone), and once when it works again. */
  onTrouble: (message: string) => void;
}

export interface SampleStream {
  sent(): number;
  stop(): Promise<void>;
}

// The row's label stays out of the request: the true outcome arrives later, if at all (a labels topic).
const NOT_SENT = new Set(['Churn']);

/**
 * Sends the CSV's rows to `topic` as JSON records (the raw columns, as /predict takes them), keyed by
 * customerID, one every 1/ratePerSecond s, for a stream to score while `mlcycle dev --kafka` runs.
 */
export async function startSampleStream(options: SampleStreamOptions): Promise<SampleStream> {
  const { table, problems } = await readCsvTable(options.csvPath);
  if (table.rowCount === 0) {
    throw new Error(`${options.csvPath} has no rows to stream: ${problems.map((p) => p.message).join('; ')}`);
  }
  const columns = table.header.filter((column) => !NOT_SENT.has(column));
  const producer = new Producer({
    clientId: 'mlcycle-dev-sample-stream',
    bootstrapBrokers: options.brokers,
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
  });
  let next = 0;
  let sent = 0;
  let failing = false;
  let inFlight: Promise<void> = Promise.resolve();
  const sendOne = async (): Promise<void> => {
    const row = next % table.rowCount;
    next += 1;
    const record = Object.fromEntries(columns.map((column) => [column, table.columns[column]?.[row] ?? '']));
    try {
      await producer.send({
        messages: [{ topic: options.topic, key: String(record.customerID ?? row), value: JSON.stringify(record) }],
      });
      sent += 1;
      if (failing) options.onTrouble(`sample stream: sending to ${options.topic} works again`);
      failing = false;
    } catch (err) {
      if (!failing) options.onTrouble(`sample stream: sending to ${options.topic} failed: ${errorText(err)}`);
      failing = true;
    }
  };
  let busy = false;
  const timer = setInterval(() => {
    // One send at a time: a slow or absent broker slows the sample down instead of piling requests up.
    if (busy) return;
    busy = true;
    inFlight = sendOne().finally(() => (busy = false));
  }, 1000 / options.ratePerSecond);
  return {
    sent: () => sent,
    stop: async () => {
      clearInterval(timer);
      await inFlight;
      await producer.close();
    },
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
