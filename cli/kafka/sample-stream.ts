import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import { csvRowsAsRequestJson } from '../../data/csv-request-json';

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

/**
 * Sends the CSV's rows to `topic` as JSON records (the raw columns, as /predict takes them), keyed by
 * customerID, one every 1/ratePerSecond s, for a stream to score while `mlcycle dev --kafka` runs.
 */
export async function startSampleStream(options: SampleStreamOptions): Promise<SampleStream> {
  const requests = await csvRowsAsRequestJson(options.csvPath);
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
    const value = requests[next % requests.length] ?? '{}';
    next += 1;
    // Keyed by customer, so one customer's requests keep their order on a partitioned topic.
    const key = (JSON.parse(value) as { customerID?: string }).customerID ?? String(next);
    try {
      await producer.send({
        messages: [{ topic: options.topic, key, value }],
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
