import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PredictionLogSink, PredictionLogStats } from '../monitoring/prediction-log';

/** Seconds: from a cached one-record answer (<1 ms) to a 10,000-record batch. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const RECORD_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 500, 1_000, 5_000, 10_000];

/** What a scoring route tells the metrics about a request it answered with a model. */
interface Served {
  model: string;
  version: number;
  records: number;
}

// Keyed by the request object, so nothing outlives it and no route needs Fastify decorations.
const servedBy = new WeakMap<FastifyRequest, Served>();

/** Called by a route once it knows which model version answers `request` and for how many records. */
export function noteServed(request: FastifyRequest, model: string, version: number, records: number): void {
  servedBy.set(request, { model, version, records });
}

/**
 * The scoring server's Prometheus metrics, one registry per server (so two in one process, as in tests,
 * do not mix). Label values are bounded: the route's pattern (never the raw URL) and only model names
 * and versions the pool actually answered with.
 */
export class ServingMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'mlcycle_http_requests_total',
    help: 'HTTP requests answered, by route pattern, model, version and status code',
    labelNames: ['route', 'model', 'version', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'mlcycle_http_request_duration_seconds',
    help: 'Time from the request arriving to the response sent, by route pattern, model, version and status code',
    labelNames: ['route', 'model', 'version', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly records = new Histogram({
    name: 'mlcycle_predict_records',
    help: 'Records per successful scoring request, by route pattern, model and version',
    labelNames: ['route', 'model', 'version'] as const,
    buckets: RECORD_BUCKETS,
    registers: [this.registry],
  });
  private readonly loads = new Counter({
    name: 'mlcycle_model_loads_total',
    help: 'Model version loads into an ONNX session, by model, version and outcome (loaded or failed)',
    labelNames: ['model', 'version', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly logQueue = new Gauge({
    name: 'mlcycle_prediction_log_queue_depth',
    help: 'Prediction log entries queued and not yet written',
    registers: [this.registry],
  });
  private readonly logCounts = {
    written: this.logCounter('written', 'Prediction log entries written'),
    dropped: this.logCounter(
      'dropped',
      'Prediction log entries lost to the queue bound, a failed final write or a stopped log',
    ),
    rejected: this.logCounter('rejected', 'Prediction log entries refused as malformed'),
    writeErrors: this.logCounter('write_errors', 'Prediction log write transactions that failed (and were retried)'),
  };

  /**
   * `processMetrics` adds Node's and the process's figures, event loop lag among them (the tail this server
   * keeps flat); once per process, so a real server asks for them and apps built in tests do not.
   */
  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** For `ModelPoolOptions.onLoad`. */
  readonly countLoad = (model: string, version: number, outcome: 'loaded' | 'failed'): void => {
    this.loads.inc({ model, version: String(version), outcome });
  };

  /** An `onResponse` hook: one count and one latency per request, records per scoring request. */
  readonly observe = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const route = request.routeOptions.url ?? 'unmatched';
    const served = servedBy.get(request);
    const model = served?.model ?? '';
    const version = served ? String(served.version) : '';
    const status = reply.statusCode;
    this.requests.inc({ route, model, version, status });
    this.latency.observe({ route, model, version, status }, reply.elapsedTime / 1000);
    if (served && status < 400) this.records.observe({ route, model, version }, served.records);
    done();
  };

  /** The exposition text, with the prediction log's figures as of now. */
  async scrape(log: PredictionLogSink | undefined): Promise<string> {
    if (log) this.setLogFigures(log.refreshStats ? await log.refreshStats() : log.stats());
    return this.registry.metrics();
  }

  private setLogFigures(stats: PredictionLogStats): void {
    this.logQueue.set(stats.queued);
    for (const [name, counter] of Object.entries(this.logCounts)) {
      // The log keeps the running totals; the counters mirror them.
      counter.reset();
      counter.inc(stats[name as keyof typeof this.logCounts]);
    }
  }

  private logCounter(name: string, help: string): Counter {
    return new Counter({ name: `mlcycle_prediction_log_${name}_total`, help, registers: [this.registry] });
  }
}

/** `GET /metrics` and the hook that feeds it. */
export function installMetrics(
  app: FastifyInstance,
  metrics: ServingMetrics,
  log: PredictionLogSink | undefined,
): void {
  app.addHook('onResponse', metrics.observe);
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.scrape(log);
    return reply.type(metrics.registry.contentType).send(text);
  });
}
