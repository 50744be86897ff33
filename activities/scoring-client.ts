import type { RawRecord } from '../models/types';
import { NO_LOG_HEADER } from '../contracts/http';
import type { ModelTrafficSnapshot } from '../contracts/rollout';

/** The deploy step's view of a scoring server: its admin routes and /predict over plain HTTP. */
export class ScoringClient {
  private readonly adminHeaders: Record<string, string>;

  constructor(
    private readonly baseUrl: string,
    adminToken?: string,
  ) {
    this.adminHeaders = adminToken ? { authorization: `Bearer ${adminToken}` } : {};
  }

  async stage(modelName: string, version: number): Promise<void> {
    const path = `/admin/models/${encodeURIComponent(modelName)}/versions/${version}/load`;
    await this.call('POST', path, undefined, this.adminHeaders);
  }

  async promote(modelName: string, version: number): Promise<void> {
    const path = `/admin/models/${encodeURIComponent(modelName)}/serving`;
    await this.call('PUT', path, { version }, this.adminHeaders);
  }

  /** The server's per-version counters of a model (serving/traffic-stats.ts), cumulative since it started. */
  async rolloutStats(modelName: string): Promise<ModelTrafficSnapshot> {
    const path = `/admin/rollout-stats?model=${encodeURIComponent(modelName)}`;
    return (await this.call('GET', path, undefined, this.adminHeaders)) as ModelTrafficSnapshot;
  }

  /** Makes the server apply the registry's rollouts now rather than at its next poll. */
  async refreshRollouts(): Promise<void> {
    await this.call('POST', '/admin/rollouts/refresh', undefined, this.adminHeaders);
  }

  async predict(modelName: string, version: number, records: RawRecord[]): Promise<number[]> {
    const body = (await this.call(
      'POST',
      '/predict',
      { model: modelName, version, records },
      // The server honours the no-log header only with the admin token (or, without one, from its own host).
      { ...this.adminHeaders, [NO_LOG_HEADER]: '1' },
    )) as {
      predictions: { probability: number }[];
    };
    return body.predictions.map((p) => p.probability);
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new Error(`scoring server at ${this.baseUrl} unreachable (${method} ${path}): ${(err as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ScoringHttpError(
        `${method} ${path} answered ${response.status}: ${errorExcerpt(text)}`,
        response.status,
      );
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}

export class ScoringHttpError extends Error {
  override readonly name = 'ScoringHttpError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const ERROR_EXCERPT_CHARS = 500;

/**
 * The server's `error` line and its first problem; the details can list a problem per row (100 KB and
 * more), too much for a workflow result or a log line.
 */
function errorExcerpt(text: string): string {
  let message = text;
  try {
    const body = JSON.parse(text) as {
      error?: unknown;
      details?: { row?: unknown; field?: unknown; message?: unknown }[];
    };
    const first = Array.isArray(body.details) ? body.details[0] : undefined;
    if (typeof body.error === 'string') {
      const field = typeof first?.field === 'string' ? `${first.field}: ` : '';
      message = typeof first?.message === 'string' ? `${body.error}; first: ${field}${first.message}` : body.error;
    }
  } catch {
    // Not JSON: the text itself, cut below.
  }
  return message.length > ERROR_EXCERPT_CHARS
    ? `${message.slice(0, ERROR_EXCERPT_CHARS)}… (${message.length} chars)`
    : message;
}
