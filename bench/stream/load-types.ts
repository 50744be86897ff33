/** What bench/stream-score.ts asks its load generator (bench/stream/load.ts) to do. */
export type LoadJob =
  | {
      mode: 'throughput';
      brokers: string[];
      inputTopic: string;
      outputTopic: string;
      csvPath: string;
      seconds: number;
      warmupSeconds: number;
      /** Records produced ahead of the results at most, so the input never runs dry nor grows without bound. */
      maxBacklog: number;
      batchSize: number;
      sendersInFlight: number;
    }
  | {
      mode: 'latency';
      brokers: string[];
      inputTopic: string;
      outputTopic: string;
      csvPath: string;
      rate: number;
      seconds: number;
      warmupSeconds: number;
    };

export interface ThroughputResult {
  mode: 'throughput';
  windowSeconds: number;
  /** Results read from the output topic within the window. */
  results: number;
  recordsPerSecond: number;
  perSecond: number[];
  produced: number;
  firstResultAfterSeconds: number;
  /** CPU time the load generator used, producing and reading. */
  cpuMs: number;
}

export interface LatencyResult {
  mode: 'latency';
  rate: number;
  sent: number;
  /** Records after the warm-up whose result came back. */
  measured: number;
  /** Records whose result never came (within 60 s of the last send). */
  missing: number;
  /** Results of records already answered (a redelivery) or not sent by this run. */
  duplicates: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  achievedRate: number;
  cpuMs: number;
}

export type LoadResult = ThroughputResult | LatencyResult;
